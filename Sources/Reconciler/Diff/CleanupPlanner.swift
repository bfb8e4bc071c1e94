/// `agent --cleanup` (kube-proxy's `--cleanup` for iptables mode): the plan that removes every
/// chain and rule kube-proxy's iptables mode owns from one family's tables and leaves everything
/// else byte for byte.
public enum CleanupPlanner {
    /// kube-proxy's canary chains (created empty in mangle, nat and filter to notice a flush).
    public static let canaryChain = "KUBE-PROXY-CANARY"

    /// kube-proxy's cleanup leaves KUBE-FIREWALL (it duplicates kubelet's localnet protection,
    /// pkg/proxy/iptables/cleanup.go: "we create these on startup but do not delete them").
    public static let keptChains: Set<String> = ["KUBE-FIREWALL"]

    /// Whether `--cleanup` removes this chain: an owned chain (fixed kube chains and per-service
    /// chains in nat/filter, except KUBE-FIREWALL) or a canary.
    public static func removes(chain name: String, in table: TableName) -> Bool {
        if name == canaryChain { return table == .mangle || table == .nat || table == .filter }
        return Ownership.owns(chain: name, in: table) && !keptChains.contains(name)
    }

    /// Deletes the jumps into removed chains from the built-in chains, then flushes and deletes the
    /// removed chains. A removed chain that a rule we keep still jumps to (a foreign rule, or an
    /// opaque one) is flushed but kept, with a warning: deleting it would fail.
    public static func plan(observed: ObservedRuleset) -> Plan {
        var plan = Plan(family: observed.ruleset.family, generation: observed.generation)
        var unlinks: [PlanOperation] = [], flushes: [PlanOperation] = [], deletions: [PlanOperation] = []
        for table in observed.ruleset.tables {
            let removed = Set(table.chains.map(\.name).filter { removes(chain: $0, in: table.name) })
            guard !removed.isEmpty else { continue }
            var referenced = Set<String>()
            for chain in table.chains where !removed.contains(chain.name) {
                let handles = observed.handles(table.name, chain.name)
                for (index, rule) in chain.rules.enumerated() {
                    guard let target = rule.targetChain, removed.contains(target) else { continue }
                    let isBuiltin = table.name.builtinChains.contains(chain.name)
                    if isBuiltin, rule.opaque == nil, let handle = handles[safe: index] {
                        unlinks.append(.deleteRule(table: table.name, chain: chain.name, handle: handle, rule: rule))
                    } else {
                        referenced.insert(target)
                    }
                }
            }
            for chain in table.chains where removed.contains(chain.name) {
                if !chain.rules.isEmpty { flushes.append(.flushChain(table: table.name, chain: chain.name, rules: chain.rules.count)) }
                if referenced.contains(chain.name) {
                    plan.warnings.append("\(table.name.rawValue)/\(chain.name) is still referenced by a rule kube-proxy does not own; flushed, not deleted")
                } else {
                    deletions.append(.deleteChain(table: table.name, chain: chain.name))
                }
            }
        }
        plan.operations = unlinks + flushes + deletions
        return plan
    }
}
