extension Planner {
    /// The plan for a change against the engine's live view, looking only at the chains the change
    /// names: its cost follows the change, not the table. Valid when every other chain is as last
    /// applied. Nil when the view cannot answer (a table is missing, or a rule the change removes
    /// from a free-order chain is not there): the caller then plans the whole ruleset.
    ///
    /// Stale chains are looked for among the named chains only, and references to them only from
    /// the named chains and the built-in ones (a kernel refusal sends the engine to a full plan).
    public static func plan(live: LiveIndex, change: DesiredChange) -> Plan? {
        guard change.tables.allSatisfy(live.has(table:)) else { return nil }
        var plan = Plan(family: change.family, generation: live.generation)
        var creations: [PlanOperation] = [], changes: [PlanOperation] = [], fills: [PlanOperation] = []
        var stale: [ChainRef] = []
        for ref in change.refs {
            let current = live[ref]
            if let delta = change.deltas[ref] {
                guard let current, let operations = deltaOperations(ref, delta, current, live.ruleHandles[ref]) else { return nil }
                changes += operations
                continue
            }
            let isBuiltin = ref.table.builtinChains.contains(ref.chain)
            guard isBuiltin || Ownership.owns(chain: ref.chain, in: ref.table) else {
                plan.warnings.append("desired chain \(ref) is not one we own; skipped")
                continue
            }
            guard let desired = change.chains[ref] ?? nil else {
                if current != nil, StaleChains.isStale(ref.chain, in: ref.table, wanted: false) { stale.append(ref) }
                continue
            }
            guard let current else {
                if !isBuiltin { creations.append(.createChain(table: ref.table, chain: ref.chain)) }
                fills += desired.rules.map { .insertRule(table: ref.table, chain: ref.chain, rule: $0, placement: .append) }
                continue
            }
            if current.chain.rules == desired.rules { continue }
            let diff = ChainDiff(table: ref.table, chain: ref.chain, observed: current.chain.rules,
                                 handles: current.handles, desired: desired.rules)
            if isBuiltin { changes += diff.builtin() }
            else if Ownership.hasFreeOrder(ref.chain) { changes += diff.freeOrder() }
            else { changes += diff.ordered() }
        }
        let removals = staleRemovals(stale, live: live, change: change, changes: changes, warnings: &plan.warnings)
        plan.operations = joined(&creations, &changes, &fills, removals)
        return plan
    }

    /// A free-order chain's delta as operations: removed rules found by value (any copy), paired
    /// with added ones as in-place replacements; the rest deleted or inserted above the pinned
    /// last rule. Nil when a removed rule is not in the live chain.
    static func deltaOperations(_ ref: ChainRef, _ delta: RuleDelta, _ live: LiveChain,
                                _ lookup: [Rule: [UInt64]]?) -> [PlanOperation]? {
        guard !delta.isEmpty else { return [] }
        guard let lookup else { return nil }
        var taken: [Rule: Int] = [:]
        var operations: [PlanOperation] = []
        var addedFree = delta.added.filter { !Ownership.isPinnedLast($0) }[...]
        var removedHandles: Set<UInt64> = []
        for rule in delta.removed {
            let k = taken[rule, default: 0]
            guard let handles = lookup[rule], k < handles.count else { return nil }
            taken[rule] = k + 1
            let handle = handles[handles.count - 1 - k]
            removedHandles.insert(handle)
            if !Ownership.isPinnedLast(rule), let new = addedFree.popFirst() {
                operations.append(.replaceRule(table: ref.table, chain: ref.chain, handle: handle, old: rule, new: new))
            } else {
                operations.append(.deleteRule(table: ref.table, chain: ref.chain, handle: handle, rule: rule))
            }
        }
        var placement = RulePlacement.append
        if let last = live.chain.rules.last, Ownership.isPinnedLast(last), let handle = live.handles.last,
           !removedHandles.contains(handle) {
            placement = .before(handle: handle)
        }
        for rule in addedFree { operations.append(.insertRule(table: ref.table, chain: ref.chain, rule: rule, placement: placement)) }
        for rule in delta.added where Ownership.isPinnedLast(rule) {
            operations.append(.insertRule(table: ref.table, chain: ref.chain, rule: rule, placement: .append))
        }
        return operations
    }

    /// Flush and delete the stale chains, unless a rule that stays (in a named or built-in chain)
    /// still jumps to one.
    private static func staleRemovals(_ stale: [ChainRef], live: LiveIndex, change: DesiredChange,
                                      changes: [PlanOperation], warnings: inout [String]) -> [PlanOperation] {
        guard !stale.isEmpty else { return [] }
        let staleSet = Set(stale)
        var removed: Set<UInt64> = []
        for operation in changes {
            switch operation {
            case .deleteRule(_, _, let handle, _), .replaceRule(_, _, let handle, _, _): removed.insert(handle)
            default: break
            }
        }
        var referenced: Set<ChainRef> = []
        let builtins = change.tables.flatMap { table in table.builtinChains.map { ChainRef(table, $0) } }
        for ref in Set(change.chains.keys).union(builtins) where !staleSet.contains(ref) {
            guard let chain = live[ref] else { continue }
            for (rule, handle) in zip(chain.chain.rules, chain.handles) {
                guard let target = rule.targetChain, staleSet.contains(ChainRef(ref.table, target)), !removed.contains(handle) else { continue }
                referenced.insert(ChainRef(ref.table, target))
            }
        }
        var flushes: [PlanOperation] = [], deletions: [PlanOperation] = []
        for ref in stale {
            if referenced.contains(ref) {
                warnings.append("stale chain \(ref) is still referenced by a rule we do not own; kept")
                continue
            }
            let count = live[ref]?.chain.rules.count ?? 0
            if count > 0 { flushes.append(.flushChain(table: ref.table, chain: ref.chain, rules: count)) }
            deletions.append(.deleteChain(table: ref.table, chain: ref.chain))
        }
        return flushes + deletions
    }
}
