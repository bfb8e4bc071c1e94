/// The minimal plan that makes the named tables equal the desired ones in every chain, owned or
/// not: what `kpx-reconcile restore` applies (a restore script is an explicit instruction to
/// change those chains). Rule order matters in every chain; unchanged rules are never rewritten.
public enum ScriptPlanner {
    /// The plan for `script` against what is live: the script applied to the live tables (the
    /// tables it names rebuilt as iptables-restore does, or with `noflush` only the chains it
    /// names), then the minimal difference. Rules we cannot decode are deleted when the script
    /// drops them but never re-encoded.
    public static func plan(_ script: RestoreScript, observed: ObservedRuleset, noflush: Bool) throws(ParseError) -> Plan {
        var base = observed.ruleset
        if !noflush { base.tables = base.tables.filter { table in !script.tables.contains { $0.name == table.name } } }
        let desired = try script.apply(to: base, noflush: noflush)
        return plan(observed: observed, desired: desired, tables: script.tables.map(\.name))
    }

    public static func plan(observed: ObservedRuleset, desired: Ruleset, tables: [TableName]) -> Plan {
        var creations: [PlanOperation] = [], changes: [PlanOperation] = [], fills: [PlanOperation] = []
        var flushes: [PlanOperation] = [], deletions: [PlanOperation] = []
        for name in tables {
            guard let want = desired[table: name] else { continue }
            let live = observed.ruleset[table: name]
            if live == nil { creations.append(.createTable(table: name)) }
            for chain in want.chains {
                guard let current = live?[chain: chain.name] else {
                    if live != nil || !chain.isBuiltin { creations.append(.createChain(table: name, chain: chain.name)) }
                    if let policy = chain.policy, policy != .accept { changes.append(.setPolicy(table: name, chain: chain.name, policy: policy)) }
                    fills += chain.rules.map { .insertRule(table: name, chain: chain.name, rule: $0, placement: .append) }
                    continue
                }
                if let policy = chain.policy, policy != current.policy { changes.append(.setPolicy(table: name, chain: chain.name, policy: policy)) }
                changes += ChainDiff(table: name, chain: chain.name, observed: current.rules,
                                     handles: observed.handles(name, chain.name), desired: chain.rules).ordered()
            }
            for chain in live?.chains ?? [] where want[chain: chain.name] == nil && !chain.isBuiltin {
                if !chain.rules.isEmpty { flushes.append(.flushChain(table: name, chain: chain.name, rules: chain.rules.count)) }
                deletions.append(.deleteChain(table: name, chain: chain.name))
            }
        }
        return Plan(family: desired.family, operations: creations + changes + fills + flushes + deletions,
                    generation: observed.generation)
    }
}
