/// Computes the plan that turns an observed ruleset into the desired one, touching only
/// chains we own and our jump rules in built-in chains.
///
/// Complexity: O(R) hashing over all rules, plus per ordered owned chain Myers' O((n+m)·D)
/// (n, m: rules in the chain, D: edits; per-service chains hold a handful of rules), and O(n)
/// multiset matching for the large free-order chains (KUBE-SERVICES, KUBE-NODEPORTS). A
/// 10k-service ruleset plans in time linear in its size.
public enum Planner {
    public static func plan(observed: ObservedRuleset, desired: Ruleset) -> Plan {
        plan(observed: observed, desired: desired, scope: nil)
    }

    /// A plan that looks only at the owned chains in `scope` (built-in chains always): the work is
    /// proportional to the change, not to the table. Valid only when `observed` is the state after
    /// applying an earlier desired ruleset and `desired` differs from it only in `scope` (what
    /// `ChangeTracker.unappliedScope` gives). Stale chains are looked for inside the scope only,
    /// and references to them from outside it are not searched (the kernel refuses such a
    /// deletion, and the engine then re-reads and plans everything).
    public static func plan(observed: ObservedRuleset, desired: Ruleset, scope: Set<ChainRef>?) -> Plan {
        guard let scope else { return fullPlan(observed: observed, desired: desired) }
        return fullPlan(observed: observed.restricted(to: scope), desired: desired.restricted(to: scope))
    }

    private static func fullPlan(observed: ObservedRuleset, desired: Ruleset) -> Plan {
        var plan = Plan(family: desired.family, generation: observed.generation)
        var creations: [PlanOperation] = []
        var changes: [PlanOperation] = []
        var fills: [PlanOperation] = []
        for table in desired.tables {
            let live = observed.ruleset[table: table.name]
            if live == nil { creations.append(.createTable(table: table.name)) }
            // Chains by name: a linear search per desired chain made planning quadratic.
            let liveChains = Dictionary((live?.chains ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            for chain in table.chains {
                let isBuiltin = table.name.builtinChains.contains(chain.name)
                guard isBuiltin || Ownership.owns(chain: chain.name, in: table.name) else {
                    plan.warnings.append("desired chain \(table.name.rawValue)/\(chain.name) is not one we own; skipped")
                    continue
                }
                guard let current = liveChains[chain.name] else {
                    if live != nil || !isBuiltin { creations.append(.createChain(table: table.name, chain: chain.name)) }
                    fills += chain.rules.map { .insertRule(table: table.name, chain: chain.name, rule: $0, placement: .append) }
                    continue
                }
                if current.rules == chain.rules { continue }
                let diff = ChainDiff(table: table.name, chain: chain.name, observed: current.rules,
                                     handles: observed.handles(table.name, chain.name), desired: chain.rules)
                if isBuiltin { changes += diff.builtin() }
                else if Ownership.hasFreeOrder(chain.name) { changes += diff.freeOrder() }
                else { changes += diff.ordered() }
            }
        }
        let removals = staleChains(observed: observed, desired: desired, changes: changes, warnings: &plan.warnings)
        plan.operations = Self.joined(&creations, &changes, &fills, removals)
        return plan
    }

    /// The operations in order, each part freed as soon as it is copied (a cold apply's fills
    /// are most of the plan: never hold them twice).
    static func joined(_ creations: inout [PlanOperation], _ changes: inout [PlanOperation],
                       _ fills: inout [PlanOperation], _ removals: [PlanOperation]) -> [PlanOperation] {
        var all = creations
        creations = []
        all.reserveCapacity(all.count + changes.count + fills.count + removals.count)
        all += changes
        changes = []
        all += fills
        fills = []
        all += removals
        return all
    }

    /// Flush and delete owned per-service chains that are no longer wanted, unless a rule that
    /// stays still jumps to them.
    private static func staleChains(observed: ObservedRuleset, desired: Ruleset, changes: [PlanOperation],
                                    warnings: inout [String]) -> [PlanOperation] {
        var flushes: [PlanOperation] = [], deletions: [PlanOperation] = []
        for table in observed.ruleset.tables {
            let stale = StaleChains.chains(of: table, desired: desired)
            guard !stale.isEmpty else { continue }
            let staleNames = Set(stale.map(\.name))
            let removed = Set(changes.compactMap { operation -> UInt64? in
                switch operation {
                case .deleteRule(table.name, _, let handle, _), .replaceRule(table.name, _, let handle, _, _): return handle
                default: return nil
                }
            })
            var referenced: Set<String> = []
            for chain in table.chains where !staleNames.contains(chain.name) {
                for (index, rule) in chain.rules.enumerated() {
                    guard let target = rule.targetChain, staleNames.contains(target) else { continue }
                    let handle = observed.handles(table.name, chain.name)[safe: index]
                    if handle == nil || !removed.contains(handle!) { referenced.insert(target) }
                }
            }
            for chain in stale {
                if referenced.contains(chain.name) {
                    warnings.append("stale chain \(table.name.rawValue)/\(chain.name) is still referenced by a rule we do not own; kept")
                    continue
                }
                if !chain.rules.isEmpty { flushes.append(.flushChain(table: table.name, chain: chain.name, rules: chain.rules.count)) }
                deletions.append(.deleteChain(table: table.name, chain: chain.name))
            }
        }
        // All flushes first: stale chains may jump to each other.
        return flushes + deletions
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension Ruleset {
    /// Only built-in chains and the chains in `scope` (one pass over each table).
    func restricted(to scope: Set<ChainRef>) -> Ruleset {
        var copy = self
        for index in copy.tables.indices {
            let table = copy.tables[index].name
            copy.tables[index].chains = copy.tables[index].chains.filter { $0.isBuiltin || scope.contains(ChainRef(table, $0.name)) }
        }
        return copy
    }
}

extension ObservedRuleset {
    /// Only built-in chains and the chains in `scope`, with their handles.
    func restricted(to scope: Set<ChainRef>) -> ObservedRuleset {
        ObservedRuleset(ruleset: ruleset.restricted(to: scope), handles: handles, generation: generation)
    }
}
