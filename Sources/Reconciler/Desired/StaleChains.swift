/// Service chains that exist in a live ruleset but not in the desired one (kube-proxy deletes
/// these with a declaration plus `-X`; only KUBE-SVC/SVL/EXT/FW/SEP chains are ever touched).
public enum StaleChains {
    public static func between(live: Ruleset, desired: Ruleset) -> [TableName: [String]] {
        var out: [TableName: [String]] = [:]
        for table in live.tables {
            let want = Set(desired[table: table.name]?.chains.map(\.name) ?? [])
            let stale = table.chains.map(\.name).filter { KubeChains.isServiceChain($0) && !want.contains($0) }
            if !stale.isEmpty { out[table.name] = stale.sorted() }
        }
        return out
    }
}
