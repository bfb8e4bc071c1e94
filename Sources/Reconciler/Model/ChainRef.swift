/// A chain in a table.
public struct ChainRef: Hashable, Sendable, CustomStringConvertible {
    public var table: TableName
    public var chain: String
    public init(_ table: TableName, _ chain: String) {
        self.table = table
        self.chain = chain
    }
    public var description: String { "\(table.rawValue)/\(chain)" }
}

/// What happened to a chain over a run of transactions (the last create or delete wins).
public enum ChainFate: Hashable, Sendable {
    case rules, created, deleted

    /// Adds `fate` for `ref` to a merged run.
    public static func merge(_ run: inout [ChainRef: ChainFate], _ ref: ChainRef, _ fate: ChainFate) {
        if fate == .rules, run[ref] != nil { return }
        run[ref] = fate
    }
}
