public import Reconciler

/// Reads iptables tables of one family over netlink.
public enum TableReader {
    /// The iptables tables that exist, in iptables-save order, optionally only `only`.
    /// `settled` false: each table in one pass whatever others commit meanwhile (see
    /// `NetlinkBackend.observeUnsettled`).
    public static func read(_ client: NftClient, family: NftFamily, only: [TableName]? = nil, settled: Bool = true) throws -> [LiveTable] {
        let existing = Set(try client.tables(family: family).map(\.name))
        let wanted = (only ?? Ruleset.saveTableOrder).filter { existing.contains($0.rawValue) }
        return try Ruleset.saveTableOrder.filter(wanted.contains).compactMap { name in
            try client.liveTable(family: family, table: name, settled: settled)
        }
    }

    /// The tables as an AST ruleset.
    public static func ruleset(_ tables: [LiveTable], family: NftFamily) -> Ruleset {
        Ruleset(family: family.ipFamily, tables: tables.map(\.table))
    }
}
