extension ChangeTracker {
    /// What changed since `clearUnappliedChanges()`, chain by chain, for
    /// `ReconcileEngine.reconcile(_:change:)`; nil until the tracker's ruleset has been applied
    /// once. Costs what the change costs: chains are looked up by owner, and the free-order
    /// chains are given as the changed services' rules that left and joined them.
    public var unappliedChange: DesiredChange? {
        guard unappliedScope != nil else { return nil }
        var chains: [ChainRef: Chain?] = [:]
        var deltas: [ChainRef: RuleDelta] = [:]
        for table in ruleset.tables {
            for chain in table.chains.prefix(while: \.isBuiltin) { chains[ChainRef(table.name, chain.name)] = chain }
        }
        for (table, names) in unappliedChanges {
            for name in names {
                let ref = ChainRef(table, name)
                if Ownership.hasFreeOrder(name), !wholeChainsSinceApply, !Ownership.isServiceChain(name) {
                    deltas[ref] = sharedDelta(ref)
                } else {
                    chains[ref] = desiredChain(ref)
                }
            }
        }
        return DesiredChange(family: ruleset.family, tables: ruleset.tables.map(\.name), chains: chains, deltas: deltas)
    }

    /// The desired content of one chain: per-service chains through their owner, fixed chains
    /// (at the head of the assembled tables) by a short scan.
    func desiredChain(_ ref: ChainRef) -> Chain? {
        if Ownership.isServiceChain(ref.chain) {
            guard ref.table == .nat, let owner = chainOwner(ref.chain) else { return nil }
            return fragment(owner)?.chains.first { $0.name == ref.chain }
        }
        return ruleset[table: ref.table]?[chain: ref.chain]
    }

    /// The rules the services recomputed since the last apply took out of and put into a shared chain.
    func sharedDelta(_ ref: ChainRef) -> RuleDelta {
        var old: [Rule] = [], new: [Rule] = []
        for (name, before) in appliedFragments {
            old += Self.sharedRules(before, ref)
            new += Self.sharedRules(fragment(name), ref)
        }
        return RuleDelta(old: old, new: new)
    }

    static func sharedRules(_ fragment: ServiceFragment?, _ ref: ChainRef) -> [Rule] {
        (ref.table == .filter ? fragment?.filter[ref.chain] : fragment?.nat[ref.chain]) ?? []
    }
}
