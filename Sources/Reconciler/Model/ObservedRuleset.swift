/// A ruleset as read from the kernel: every rule with its handle, and the ruleset generation
/// it was read at (for optimistic concurrency).
public struct ObservedRuleset: Hashable, Sendable {
    public var ruleset: Ruleset
    /// `handles[table][chain][i]` is the kernel handle of `ruleset[table][chain].rules[i]`.
    public var handles: [TableName: [String: [UInt64]]]
    /// The nf_tables generation the dump was taken at, when known.
    public var generation: UInt32?

    public init(ruleset: Ruleset, handles: [TableName: [String: [UInt64]]] = [:], generation: UInt32? = nil) {
        self.ruleset = ruleset
        self.handles = handles
        self.generation = generation
    }

    /// A ruleset whose rules get handles 1, 2, 3… in order (for tests and text input).
    public static func numbering(_ ruleset: Ruleset) -> ObservedRuleset {
        var next: UInt64 = 1
        var handles: [TableName: [String: [UInt64]]] = [:]
        for table in ruleset.tables {
            for chain in table.chains {
                handles[table.name, default: [:]][chain.name] = chain.rules.map { _ in defer { next += 1 }; return next }
            }
        }
        return ObservedRuleset(ruleset: ruleset, handles: handles)
    }

    /// The handles of a chain's rules (empty when unknown).
    public func handles(_ table: TableName, _ chain: String) -> [UInt64] {
        handles[table]?[chain] ?? []
    }
}
