/// One live chain: its rules and their kernel handles (`handles[i]` belongs to `chain.rules[i]`).
public struct LiveChain: Hashable, Sendable {
    public var chain: Chain
    public var handles: [UInt64]

    public init(chain: Chain, handles: [UInt64]) {
        self.chain = chain
        self.handles = handles
    }
}

/// The engine's view of the live tables between syncs, with every chain found by name: a sync
/// reads and edits only the chains it changes, so its cost follows the change, not the table.
/// iptables-save's chain order is restored only when an `ObservedRuleset` is asked for.
public struct LiveIndex: Sendable {
    public var family: IPFamily
    /// The nf_tables generation this view is valid at.
    public var generation: UInt32?
    /// Tables present, in the order they were read or created.
    public private(set) var tables: [TableName]
    /// Chain order at the last full read (chains created since are placed on output).
    private var order: [TableName: [String]]
    private(set) var chains: [ChainRef: LiveChain]
    /// rule -> handles, for the free-order chains a delta plan looks rules up in.
    private(set) var ruleHandles: [ChainRef: [Rule: [UInt64]]] = [:]

    /// Indexes a full read (linear in its size). Chains whose rules equal `desired`'s keep the
    /// desired ruleset's storage instead of the decoded copy (one copy of the rules in memory).
    public init(_ observed: ObservedRuleset, sharingRulesWith desired: Ruleset?) {
        self.init(observed)
        guard let desired else { return }
        for table in desired.tables {
            for chain in table.chains {
                let ref = ChainRef(table.name, chain.name)
                guard var live = chains.removeValue(forKey: ref) else { continue }
                if live.chain.rules == chain.rules { live.chain.rules = chain.rules }
                chains[ref] = live
            }
        }
    }

    /// Indexes a full read (linear in its size).
    public init(_ observed: ObservedRuleset) {
        family = observed.ruleset.family
        generation = observed.generation
        tables = observed.ruleset.tables.map(\.name)
        order = [:]
        chains = [:]
        chains.reserveCapacity(observed.ruleset.tables.reduce(0) { $0 + $1.chains.count })
        for table in observed.ruleset.tables {
            order[table.name] = table.chains.map(\.name)
            let handles = observed.handles[table.name] ?? [:]
            for chain in table.chains {
                let known = handles[chain.name] ?? []
                chains[ChainRef(table.name, chain.name)] = LiveChain(
                    chain: chain, handles: known.count == chain.rules.count ? known : Self.unknownHandles(chain.rules.count))
            }
        }
    }

    /// The chain `ref`, if it exists.
    public subscript(ref: ChainRef) -> LiveChain? { chains[ref] }

    /// Whether table `name` exists.
    public func has(table name: TableName) -> Bool { tables.contains(name) }

    /// The whole view as an observed ruleset in iptables-save order (linear in the table size;
    /// for output and full plans, never on the scoped path).
    public var observed: ObservedRuleset {
        var ruleset = Ruleset(family: family)
        var handles: [TableName: [String: [UInt64]]] = [:]
        for name in tables {
            let known = order[name] ?? []
            var table = Table(name: name, chains: known.compactMap { chains[ChainRef(name, $0)]?.chain })
            let knownSet = Set(known)
            let added = chains.keys.filter { $0.table == name && !knownSet.contains($0.chain) }
            table.chains += added.map { chains[$0]!.chain }
            if !added.isEmpty { table = table.canonicallyOrdered() }
            for chain in table.chains { handles[name, default: [:]][chain.name] = chains[ChainRef(name, chain.name)]!.handles }
            ruleset.tables.append(table)
        }
        return ObservedRuleset(ruleset: ruleset, handles: handles, generation: generation)
    }

    /// Placeholder handles for rules whose real handle is not known yet (never sent to the kernel:
    /// their chain is re-read before it is planned against).
    static func unknownHandles(_ count: Int) -> [UInt64] { (0..<count).map { (1 << 62) + UInt64($0) } }

    /// Builds the rule -> handles lookups of `refs` that do not have one yet (once per chain).
    public mutating func indexRules(of refs: some Sequence<ChainRef>) {
        for ref in refs where ruleHandles[ref] == nil {
            guard let live = chains[ref] else { continue }
            var lookup: [Rule: [UInt64]] = [:]
            lookup.reserveCapacity(live.chain.rules.count)
            for (rule, handle) in zip(live.chain.rules, live.handles) { lookup[rule, default: []].append(handle) }
            ruleHandles[ref] = lookup
        }
    }

    /// Puts re-read rules and handles into the chains named (a nil value: the chain is gone).
    public mutating func replaceRules(with reread: [ChainRef: (rules: [Rule], handles: [UInt64])?]) {
        for (ref, value) in reread {
            ruleHandles[ref] = nil
            guard let value else { chains[ref] = nil; continue }
            let policy = chains[ref]?.chain.policy
            chains[ref] = LiveChain(chain: Chain(name: ref.chain, policy: policy, rules: value.rules), handles: value.handles)
        }
    }
}

extension LiveIndex {
    /// Applies a committed plan: inserted rules get the handles in `learned` (keyed by operation
    /// index) or placeholders. Returns the chains holding placeholders (to be re-read). Throws,
    /// leaving the view unusable, when an operation does not fit it (the caller drops the view).
    public mutating func apply(_ plan: Plan, learned: [Int: UInt64]) throws(PlanApplyError) -> Set<ChainRef> {
        var unknown: Set<ChainRef> = []
        var placeholder: UInt64 = 1 << 62
        for (i, operation) in plan.operations.enumerated() {
            let (table, name) = operation.location
            let ref = ChainRef(table, name)
            switch operation {
            case .createTable:
                guard !tables.contains(table) else { throw PlanApplyError(operation: "create table \(table.rawValue)", reason: "table exists") }
                tables.append(table)
                order[table] = table.builtinChains
                for chain in table.builtinChains { chains[ChainRef(table, chain)] = LiveChain(chain: Chain(name: chain, policy: .accept), handles: []) }
            case .createChain:
                guard chains[ref] == nil else { throw PlanApplyError(operation: "create chain \(ref)", reason: "chain exists") }
                let builtin = table.builtinChains.contains(name)
                chains[ref] = LiveChain(chain: Chain(name: name, policy: builtin ? .accept : nil), handles: [])
            case .deleteChain:
                guard let live = chains[ref], live.chain.rules.isEmpty else {
                    throw PlanApplyError(operation: "delete chain \(ref)", reason: "chain missing or not empty")
                }
                chains[ref] = nil
                ruleHandles[ref] = nil
            default:
                guard var live = chains.removeValue(forKey: ref) else {
                    throw PlanApplyError(operation: "edit \(ref)", reason: "no such chain")
                }
                var handle: UInt64
                if let known = learned[i] { handle = known } else {
                    placeholder += 1
                    handle = placeholder
                    if case .insertRule = operation { unknown.insert(ref) }
                }
                let inserted = handle
                try PlanSimulator.edit(&live.chain, handles: &live.handles, operation, nextHandle: &handle)
                chains[ref] = live
                if ruleHandles[ref] != nil { updateRuleHandles(ref, operation, inserted: inserted) }
            }
        }
        for ref in unknown { ruleHandles[ref] = nil }
        return unknown
    }

    private mutating func updateRuleHandles(_ ref: ChainRef, _ operation: PlanOperation, inserted: UInt64) {
        func remove(_ rule: Rule, _ handle: UInt64) {
            guard var list = ruleHandles[ref]![rule], let k = list.firstIndex(of: handle) else { return }
            list.remove(at: k)
            ruleHandles[ref]![rule] = list.isEmpty ? nil : list
        }
        switch operation {
        case .insertRule(_, _, let rule, _): ruleHandles[ref]![rule, default: []].append(inserted)
        case .replaceRule(_, _, let handle, let old, let new):
            remove(old, handle)
            ruleHandles[ref]![new, default: []].append(handle)
        case .deleteRule(_, _, let handle, let rule): remove(rule, handle)
        case .flushChain: ruleHandles[ref] = [:]
        default: break
        }
    }
}
