/// Owned per-service chains (KUBE-SVC/SVL/EXT/FW/SEP) that a live ruleset has and the desired one
/// does not: what a full sync deletes. The planner, `render`'s deleted-chain lines and the oracle
/// tests all select them here.
public enum StaleChains {
    /// The stale chains of every table, names sorted.
    public static func between(live: Ruleset, desired: Ruleset) -> [TableName: [String]] {
        var out: [TableName: [String]] = [:]
        for table in live.tables {
            let stale = chains(of: table, desired: desired).map(\.name)
            if !stale.isEmpty { out[table.name] = stale.sorted() }
        }
        return out
    }

    /// The stale chains of one live table, in its order.
    static func chains(of table: Table, desired: Ruleset) -> [Chain] {
        let wanted = Set(desired[table: table.name]?.chains.map(\.name) ?? [])
        return table.chains.filter { isStale($0.name, in: table.name, wanted: wanted.contains($0.name)) }
    }

    /// The rule: a live chain is stale when it is an owned per-service chain that is not wanted.
    static func isStale(_ chain: String, in table: TableName, wanted: Bool) -> Bool {
        !wanted && Ownership.owns(chain: chain, in: table) && Ownership.isServiceChain(chain)
    }
}
