public import Reconciler

/// The kernel as a `RulesetBackend`: consistent reads over netlink and plans committed as one
/// `NFNL_BATCH_GENID`-guarded nf_tables transaction, encoded exactly as iptables-nft does.
public final class NetlinkBackend: RulesetBackend {
    public let client: NftClient
    /// Netlink messages and bytes sent in commits, for reports.
    public private(set) var committedMessages = 0

    public init(client: NftClient) { self.client = client }

    /// Opens a netlink socket in the named namespace (nil: the current one).
    public convenience init(netns: String?) throws { self.init(client: try NftClient(netns: netns)) }

    public func generation() throws -> UInt32 { try client.generation() }

    public func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset {
        for _ in 0..<5 {
            let live = try TableReader.read(client, family: NftFamily(family), only: tables)
            let generation = try client.generation()
            guard live.allSatisfy({ $0.generation == generation }) else { continue }
            var handles: [TableName: [String: [UInt64]]] = [:]
            for table in live { handles[table.table.name] = table.handles }
            return ObservedRuleset(ruleset: TableReader.ruleset(live, family: NftFamily(family)),
                                   handles: handles, generation: generation)
        }
        throw NftError.transport(.dumpInterrupted(operation: "read tables", attempts: 5))
    }

    /// One pass chain by chain, whatever others commit meanwhile (a chain that vanished reads
    /// empty): the generation before and after, for `SettledRead` to catch up from notifications.
    public func observeUnsettled(family: IPFamily, tables: [TableName]) throws -> (observed: ObservedRuleset, through: UInt32) {
        let before = try client.generation()
        let live = try TableReader.read(client, family: NftFamily(family), only: tables, settled: false)
        let after = try client.generation()
        var handles: [TableName: [String: [UInt64]]] = [:]
        for table in live { handles[table.table.name] = table.handles }
        return (ObservedRuleset(ruleset: TableReader.ruleset(live, family: NftFamily(family)), handles: handles, generation: before), after)
    }

    public func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        let nft = NftFamily(family)
        var out: [ChainRef: (rules: [Rule], handles: [UInt64])?] = [:]
        var ipsets = IpsetNameCache(client.ipsets)
        for ref in chains {
            guard let (rules, handles) = try? client.decodedRules(family: nft, table: ref.table.rawValue, chain: ref.chain,
                                                                  ipsets: &ipsets) else {
                out[ref] = .some(nil)
                continue
            }
            out[ref] = (rules, handles)
        }
        return out
    }

    public func commit(_ plan: Plan) throws { _ = try commitEncoded([plan], echo: false) }

    /// Commits like `commit(_:)`, with the kernel echoing each inserted rule, and returns the
    /// handles of the plan's `.insertRule` operations by plan index (those whose echo was lost
    /// are absent).
    public func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] { try commitEncoded([plan], echo: true) }

    /// Commits one plan per family as ONE transaction (one batch, one generation guard): the
    /// kernel applies every family's plan or none. Handles are keyed by the operation's index
    /// counted across the plans.
    public func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64] {
        guard !plans.isEmpty else { return [:] }
        return try commitEncoded(plans, echo: learningHandles)
    }

    /// Encodes `plans` straight into one datagram, commits it, then hands the memory of a large
    /// batch back to the system.
    private func commitEncoded(_ plans: [Plan], echo: Bool) throws -> [Int: UInt64] {
        let (handles, bytes) = try Self.translatingErrors { () throws -> ([Int: UInt64], Int) in
            var encoded = try PlanEncoder.encode(plans, ipsets: client.ipsets, echoingInserts: echo)
            let handles = try client.commit(&encoded)
            committedMessages += encoded.datagram.messageCount
            return (handles, encoded.datagram.byteCount)
        }
        ReleasedMemory.trim(afterBatchOf: bytes)
        return handles
    }

    /// Runs a commit, reporting nf_tables and ipset refusals as `BackendError`s.
    public static func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch NftError.generationChanged(let planned) {
            throw BackendError.generationChanged(planned: planned)
        } catch let error as NftError {
            throw BackendError.rejected("\(error)")
        } catch let error as IpsetError {
            throw BackendError.rejected("\(error)")
        }
    }
}

extension NetlinkBackend {
    /// Creates the nfacct objects the ruleset's `-m nfacct` rules name (kube-proxy does the
    /// same before restoring); existing ones are left alone.
    /// The packet count of an nfacct object kube-proxy's rules count into (nil: absent).
    public func accountingPackets(_ name: String) throws -> UInt64? {
        try Nfacct.packets(name, connection: client.connection)
    }

    public func ensureAccountingObjects(for ruleset: Ruleset) throws {
        var names: Set<String> = []
        for table in ruleset.tables {
            for chain in table.chains {
                for rule in chain.rules {
                    for case .nfacct(let name) in rule.matches { names.insert(name) }
                }
            }
        }
        for name in names.sorted() { try Nfacct.ensure(name, connection: client.connection) }
    }
}

extension NetlinkBackend {
    /// `ConntrackClient.deleteStaleUDPFlows` in this backend's namespace.
    public func deleteStaleUDPFlows(_ targets: UDPServiceTargets, family: IPFamily) throws -> [ConntrackFlow] {
        try ConntrackClient(connection: client.connection).deleteStaleUDPFlows(targets, family: family)
    }
}
