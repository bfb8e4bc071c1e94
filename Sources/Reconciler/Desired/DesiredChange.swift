/// Rules that left and joined one free-order chain since the last apply (a multiset difference).
public struct RuleDelta: Hashable, Sendable {
    public var removed: [Rule]
    public var added: [Rule]

    public init(removed: [Rule] = [], added: [Rule] = []) {
        self.removed = removed
        self.added = added
    }

    /// `new` minus `old` and `old` minus `new`, as multisets.
    public init(old: [Rule], new: [Rule]) {
        var counts: [Rule: Int] = [:]
        for rule in old { counts[rule, default: 0] += 1 }
        for rule in new { counts[rule, default: 0] -= 1 }
        removed = []
        added = []
        for rule in old where counts[rule]! > 0 {
            removed.append(rule)
            counts[rule]! -= 1
        }
        for rule in new where counts[rule]! < 0 {
            added.append(rule)
            counts[rule]! += 1
        }
    }

    public var isEmpty: Bool { removed.isEmpty && added.isEmpty }
}

/// What changed in the desired ruleset since it was last applied, chain by chain: what
/// `ChangeTracker.unappliedChange` reports and `Planner.plan(live:change:)` plans from.
/// Every chain outside it is as last applied.
public struct DesiredChange: Sendable {
    public var family: IPFamily
    /// The desired tables (their built-in chains are always in `chains`).
    public var tables: [TableName]
    /// The desired content of each chain in the change; nil: the chain is no longer wanted.
    public var chains: [ChainRef: Chain?]
    /// Free-order chains (`Ownership.hasFreeOrder`) given as the rules that left and joined them.
    public var deltas: [ChainRef: RuleDelta]

    public init(family: IPFamily, tables: [TableName], chains: [ChainRef: Chain?], deltas: [ChainRef: RuleDelta] = [:]) {
        self.family = family
        self.tables = tables
        self.chains = chains
        self.deltas = deltas
    }

    /// The chains of `desired` named in `scope` plus its built-in chains (linear in `desired`; for
    /// callers that have a scope but no tracker).
    public init(desired: Ruleset, scope: Set<ChainRef>) {
        var chains: [ChainRef: Chain?] = [:]
        for ref in scope { chains[ref] = .some(nil) }
        for table in desired.tables {
            for chain in table.chains where chain.isBuiltin || scope.contains(ChainRef(table.name, chain.name)) {
                chains[ChainRef(table.name, chain.name)] = chain
            }
        }
        self.init(family: desired.family, tables: desired.tables.map(\.name), chains: chains)
    }

    /// Every chain the change names.
    public var refs: [ChainRef] {
        (Array(chains.keys) + deltas.keys).sorted { ($0.table.rawValue, $0.chain) < ($1.table.rawValue, $1.chain) }
    }
}
