/// Rule operations for one chain that exists both live and in the desired state.
struct ChainDiff {
    let table: TableName
    let chain: String
    let observed: [Rule]
    let handles: [UInt64]
    let desired: [Rule]

    /// Ordered chains: the shortest edit script, with delete+insert pairs in the same gap
    /// turned into replacements (never for opaque rules, which are only deleted).
    func ordered() -> [PlanOperation] {
        var operations: [PlanOperation] = []
        var deletes: [Int] = [], inserts: [Int] = []
        let steps = SequenceDiff.steps(observed, desired)
        func flushGap(before next: Int?) {
            operations += gap(deletes: deletes, inserts: inserts, nextKept: next.map { handles[$0] })
            deletes = []
            inserts = []
        }
        for step in steps {
            switch step {
            case .keep(let old, _): flushGap(before: old)
            case .delete(let old): deletes.append(old)
            case .insert(let new): inserts.append(new)
            }
        }
        flushGap(before: nil)
        return operations
    }

    private func gap(deletes: [Int], inserts: [Int], nextKept: UInt64?) -> [PlanOperation] {
        var operations: [PlanOperation] = []
        var pending = inserts[...]
        for old in deletes {
            if observed[old].opaque == nil, let new = pending.popFirst() {
                operations.append(.replaceRule(table: table, chain: chain, handle: handles[old], old: observed[old], new: desired[new]))
            } else {
                operations.append(.deleteRule(table: table, chain: chain, handle: handles[old], rule: observed[old]))
            }
        }
        let placement: RulePlacement = nextKept.map { .before(handle: $0) } ?? .append
        for new in pending {
            operations.append(.insertRule(table: table, chain: chain, rule: desired[new], placement: placement))
        }
        return operations
    }

    /// Free-order chains (KUBE-SERVICES, KUBE-NODEPORTS): a multiset difference in O(n), with
    /// rules whose comment says "must be the last rule" kept at the end.
    func freeOrder() -> [PlanOperation] {
        var available = Dictionary(grouping: desired.indices, by: { desired[$0] })
        var consumed = [Int?](repeating: nil, count: observed.count)
        // Pinned rules are matched from the end, so that a stray copy above the kept one is what
        // gets deleted (matching the first copy would move the pinned rule: delete both, append).
        let pinned = observed.indices.filter { Ownership.isPinnedLast(observed[$0]) }
        let order = observed.indices.filter { !Ownership.isPinnedLast(observed[$0]) } + pinned.reversed()
        for index in order where observed[index].opaque == nil {
            let rule = observed[index]
            if var slots = available[rule], !slots.isEmpty {
                consumed[index] = slots.removeFirst()
                available[rule] = slots
            }
        }
        let lastFree = observed.indices.last { consumed[$0] != nil && !Ownership.isPinnedLast(observed[$0]) }
        let pinnedKept = observed.indices.filter { consumed[$0] != nil && Ownership.isPinnedLast(observed[$0]) }
        let pinnedInPlace = pinnedKept.allSatisfy { $0 > (lastFree ?? -1) }
            && pinnedKept.map { observed[$0] } == desired.filter(Ownership.isPinnedLast)
        if !pinnedInPlace {
            for index in pinnedKept {
                available[observed[index], default: []].append(consumed[index]!)
                consumed[index] = nil
            }
        }
        let missing = available.values.flatMap { $0 }.sorted()
        return freeOperations(kept: consumed.map { $0 != nil }, missing: missing,
                              anchor: pinnedInPlace ? pinnedKept.first : nil)
    }

    private func freeOperations(kept: [Bool], missing: [Int], anchor: Int?) -> [PlanOperation] {
        var operations: [PlanOperation] = []
        var missingFree = missing.filter { !Ownership.isPinnedLast(desired[$0]) }[...]
        for index in observed.indices where !kept[index] {
            let replaceable = observed[index].opaque == nil && !Ownership.isPinnedLast(observed[index])
            if replaceable, let new = missingFree.popFirst() {
                operations.append(.replaceRule(table: table, chain: chain, handle: handles[index], old: observed[index], new: desired[new]))
            } else {
                operations.append(.deleteRule(table: table, chain: chain, handle: handles[index], rule: observed[index]))
            }
        }
        let placement: RulePlacement = anchor.map { .before(handle: handles[$0]) } ?? .append
        for new in missingFree {
            operations.append(.insertRule(table: table, chain: chain, rule: desired[new], placement: placement))
        }
        for new in missing where Ownership.isPinnedLast(desired[new]) {
            operations.append(.insertRule(table: table, chain: chain, rule: desired[new], placement: .append))
        }
        return operations
    }

    /// Built-in chains: only our jump rules are compared; missing ones go to the top in the
    /// desired order, ours that are not wanted are deleted, foreign rules stay untouched.
    func builtin() -> [PlanOperation] {
        var wanted = Dictionary(grouping: desired.indices, by: { desired[$0] })
        var operations: [PlanOperation] = []
        for (index, rule) in observed.enumerated() where Ownership.isOurJump(rule, in: table) {
            if var slots = wanted[rule], !slots.isEmpty {
                slots.removeFirst()
                wanted[rule] = slots
            } else {
                operations.append(.deleteRule(table: table, chain: chain, handle: handles[index], rule: rule))
            }
        }
        let missing = desired.indices.filter { wanted[desired[$0]]?.contains($0) ?? false }
        for index in missing.reversed() {
            operations.append(.insertRule(table: table, chain: chain, rule: desired[index], placement: .first))
        }
        return operations
    }
}
