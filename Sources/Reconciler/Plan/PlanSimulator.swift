/// Why a plan could not be applied (the same refusals the kernel makes).
public struct PlanApplyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var operation: String
    public var reason: String
    public var description: String { "\(operation): \(reason)" }
}

/// Applies plans to in-memory rulesets, all or nothing: the atomic fake of the kernel
/// transaction, used by tests and by `--dry-run` to show the resulting chains.
public enum PlanSimulator {
    /// The observed ruleset after the plan; new rules get fresh handles. Throws without
    /// partial effect when an operation would be refused.
    public static func apply(_ plan: Plan, to observed: ObservedRuleset) throws(PlanApplyError) -> ObservedRuleset {
        var state = observed
        var nextHandle = (state.handles.values.flatMap { $0.values.flatMap { $0 } }.max() ?? 0) + 1
        for operation in plan.operations {
            try apply(operation, to: &state, nextHandle: &nextHandle)
        }
        try checkJumps(state)
        return state
    }

    private static func apply(_ operation: PlanOperation, to state: inout ObservedRuleset,
                              nextHandle: inout UInt64) throws(PlanApplyError) {
        let (tableName, chainName) = operation.location
        let label = "\(operation)"
        if case .createTable = operation {
            guard state.ruleset[table: tableName] == nil else { throw PlanApplyError(operation: label, reason: "table exists") }
            state.ruleset[table: tableName] = Table(name: tableName, chains: tableName.builtinChains.map { Chain(name: $0, policy: .accept) })
            return
        }
        guard var table = state.ruleset[table: tableName] else { throw PlanApplyError(operation: label, reason: "no such table") }
        var handles = state.handles[tableName]?[chainName] ?? []
        if case .createChain = operation {
            guard table[chain: chainName] == nil else { throw PlanApplyError(operation: label, reason: "chain exists") }
            let builtin = tableName.builtinChains.contains(chainName)
            table.chains.append(Chain(name: chainName, policy: builtin ? .accept : nil))
            table = table.canonicallyOrdered()
        } else if case .deleteChain = operation {
            guard let chain = table[chain: chainName], chain.rules.isEmpty, !chain.isBuiltin else {
                throw PlanApplyError(operation: label, reason: "chain missing, built-in or not empty")
            }
            table[chain: chainName] = nil
        } else {
            guard var chain = table[chain: chainName] else { throw PlanApplyError(operation: label, reason: "no such chain") }
            try edit(&chain, handles: &handles, operation, nextHandle: &nextHandle)
            table[chain: chainName] = chain
        }
        state.ruleset[table: tableName] = table
        state.handles[tableName, default: [:]][chainName] = handles
    }

    private static func edit(_ chain: inout Chain, handles: inout [UInt64], _ operation: PlanOperation,
                             nextHandle: inout UInt64) throws(PlanApplyError) {
        func position(of handle: UInt64) throws(PlanApplyError) -> Int {
            guard let index = handles.firstIndex(of: handle) else {
                throw PlanApplyError(operation: "\(operation)", reason: "no rule with handle \(handle) in \(chain.name)")
            }
            return index
        }
        switch operation {
        case .insertRule(_, _, let rule, let placement):
            let index: Int
            switch placement {
            case .append: index = chain.rules.count
            case .first: index = 0
            case .before(let handle): index = try position(of: handle)
            }
            chain.rules.insert(rule, at: index)
            handles.insert(nextHandle, at: index)
            nextHandle += 1
        case .replaceRule(_, _, let handle, _, let rule):
            chain.rules[try position(of: handle)] = rule
        case .deleteRule(_, _, let handle, _):
            let index = try position(of: handle)
            chain.rules.remove(at: index)
            handles.remove(at: index)
        case .flushChain:
            chain.rules = []
            handles = []
        case .setPolicy(_, _, let policy):
            guard chain.isBuiltin else { throw PlanApplyError(operation: "\(operation)", reason: "not a built-in chain") }
            chain.policy = policy
        default:
            break
        }
    }

    private static func checkJumps(_ state: ObservedRuleset) throws(PlanApplyError) {
        for table in state.ruleset.tables {
            let names = Set(table.chains.map(\.name))
            for chain in table.chains {
                for rule in chain.rules {
                    if let target = rule.targetChain, !names.contains(target) {
                        throw PlanApplyError(operation: "commit", reason: "\(table.name.rawValue)/\(chain.name) jumps to missing chain \(target)")
                    }
                }
            }
        }
    }
}
