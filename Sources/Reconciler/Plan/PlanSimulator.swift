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
    /// partial effect when an operation would be refused. Linear in the plan and the ruleset:
    /// chains are found by name in O(1), and chain order is restored once at the end.
    ///
    /// `provisional`: the caller re-reads every chain the plan touches (their real handles come
    /// from the kernel), so new rules get placeholder handles and the whole-ruleset jump check is
    /// skipped; the cost is then that of the plan, not of the ruleset.
    public static func apply(_ plan: Plan, to observed: ObservedRuleset,
                             provisional: Bool = false) throws(PlanApplyError) -> ObservedRuleset {
        var work = Workspace(state: observed)
        var nextHandle = provisional ? 1 << 62 : (observed.handles.values.lazy.flatMap { $0.values.lazy.flatMap { $0 } }.max() ?? 0) + 1
        for operation in plan.operations {
            try apply(operation, to: &work, nextHandle: &nextHandle)
        }
        let state = work.finish()
        if !provisional { try checkJumps(state) }
        return state
    }

    private static func apply(_ operation: PlanOperation, to work: inout Workspace,
                              nextHandle: inout UInt64) throws(PlanApplyError) {
        let (tableName, chainName) = operation.location
        func refused(_ reason: String) -> PlanApplyError { PlanApplyError(operation: "\(operation)", reason: reason) }
        if case .createTable = operation {
            guard work.table(tableName) == nil else { throw refused("table exists") }
            work.state.ruleset.tables.append(Table(name: tableName, chains: tableName.builtinChains.map { Chain(name: $0, policy: .accept) }))
            return
        }
        guard let t = work.table(tableName) else { throw refused("no such table") }
        if work.state.handles[tableName]?[chainName] == nil { work.state.handles[tableName, default: [:]][chainName] = [] }
        if case .createChain = operation {
            guard work.chain(t, chainName) == nil else { throw refused("chain exists") }
            let builtin = tableName.builtinChains.contains(chainName)
            work.append(Chain(name: chainName, policy: builtin ? .accept : nil), to: t)
        } else if case .deleteChain = operation {
            guard let c = work.chain(t, chainName), work.state.ruleset.tables[t].chains[c].rules.isEmpty,
                  !work.state.ruleset.tables[t].chains[c].isBuiltin else {
                throw refused("chain missing, built-in or not empty")
            }
            work.remove(c, from: t)
        } else {
            guard let c = work.chain(t, chainName) else { throw refused("no such chain") }
            try edit(&work.state.ruleset.tables[t].chains[c], handles: &work.state.handles[tableName, default: [:]][chainName, default: []],
                     operation, nextHandle: &nextHandle)
        }
    }

    /// The ruleset being edited, with chains found by name in O(1): deleted chains are only
    /// marked and new chains appended until `finish` restores iptables-save order (one sort per
    /// table that grew, instead of one per created chain).
    private struct Workspace {
        var state: ObservedRuleset
        private var positions: [TableName: [String: Int]] = [:]
        private var deleted: [TableName: Set<Int>] = [:]
        /// How many chains were appended to each table.
        private var grown: [TableName: Int] = [:]

        init(state: ObservedRuleset) { self.state = state }

        func table(_ name: TableName) -> Int? { state.ruleset.tables.firstIndex { $0.name == name } }

        mutating func chain(_ t: Int, _ name: String) -> Int? {
            let table = state.ruleset.tables[t].name
            if positions[table] == nil {
                var map: [String: Int] = [:]
                for (index, chain) in state.ruleset.tables[t].chains.enumerated() where map[chain.name] == nil { map[chain.name] = index }
                positions[table] = map
            }
            return positions[table]![name]
        }

        mutating func append(_ chain: Chain, to t: Int) {
            let table = state.ruleset.tables[t].name
            _ = self.chain(t, chain.name)
            state.ruleset.tables[t].chains.append(chain)
            positions[table]![chain.name] = state.ruleset.tables[t].chains.count - 1
            grown[table, default: 0] += 1
        }

        mutating func remove(_ c: Int, from t: Int) {
            let table = state.ruleset.tables[t].name
            positions[table]![state.ruleset.tables[t].chains[c].name] = nil
            deleted[table, default: []].insert(c)
        }

        mutating func finish() -> ObservedRuleset {
            for t in state.ruleset.tables.indices {
                let name = state.ruleset.tables[t].name
                if let gone = deleted[name] {
                    state.ruleset.tables[t].chains = state.ruleset.tables[t].chains.enumerated()
                        .filter { !gone.contains($0.offset) }.map(\.element)
                }
                if let count = grown[name] { state.ruleset.tables[t].placeAppendedChains(count) }
            }
            return state
        }
    }

    static func edit(_ chain: inout Chain, handles: inout [UInt64], _ operation: PlanOperation,
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

extension Table {
    /// Moves the last `count` chains (just appended) to their iptables-save positions: binary
    /// insertion among the user chains when the rest is already in order, a full sort otherwise.
    mutating func placeAppendedChains(_ count: Int) {
        let builtins = name.builtinChains
        let split = chains.count - count
        let head = chains[..<split]
        let firstUser = head.firstIndex { !builtins.contains($0.name) } ?? split
        let ordered = count <= 64 && head[firstUser...].allSatisfy { !builtins.contains($0.name) }
            && chains[split...].allSatisfy { !builtins.contains($0.name) }
        guard ordered else {
            self = canonicallyOrdered()
            return
        }
        let added = Array(chains[split...])
        chains.removeLast(count)
        for chain in added {
            var low = firstUser, high = chains.count
            let key = Array(chain.name.utf8)
            while low < high {
                let mid = (low + high) / 2
                if Array(chains[mid].name.utf8).lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
            }
            chains.insert(chain, at: low)
        }
    }
}
