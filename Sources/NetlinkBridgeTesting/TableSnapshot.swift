public import NetlinkBridge

extension NftClient {
    /// A consistent snapshot of one table: chains and their rules, read chain by chain between two
    /// generation reads; retried when the generation moved in between.
    public func snapshot(family: NftFamily, table: String, attempts: Int = 5) throws -> NftTableSnapshot? {
        for _ in 0..<max(1, attempts) {
            let before = try generation()
            guard try tables(family: family).contains(where: { $0.name == table }) else { return nil }
            let chains = try self.chains(family: family, table: table)
            var rules: [String: [NftRule]] = [:]
            for c in chains { rules[c.name] = try self.rules(family: family, table: table, chain: c.name) }
            if try generation() == before {
                return NftTableSnapshot(family: family, table: table, generation: before, chains: chains, rules: rules,
                                        ipsetNames: ipsetNames(for: rules.values.joined()))
            }
        }
        throw NetlinkError.dumpInterrupted(operation: "snapshot \(family.tableFamilyName) \(table)", attempts: attempts)
    }
}

/// One table as read at one generation: chains in kernel order and each chain's rules.
public struct NftTableSnapshot: Hashable, Sendable {
    public var family: NftFamily
    public var table: String
    public var generation: UInt32
    public var chains: [NftChain]
    public var rules: [String: [NftRule]]
    /// Names of the ipsets the rules' `-m set` matches refer to, by kernel index.
    public var ipsetNames: [UInt16: String] = [:]
}
