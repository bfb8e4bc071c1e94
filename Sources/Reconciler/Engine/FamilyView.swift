/// One family's side of a reconcile: the live view the engine keeps for it between reconciles
/// (the state after our last apply, as a `LiveIndex`) and the steps that plan against it and
/// bring it forward after a commit. `ReconcileEngine` runs one per family and commits their
/// plans together.
struct FamilyView {
    let backend: RulesetBackend
    let family: IPFamily
    let tables: [TableName]
    /// The live view after our last apply (nil: the next reconcile reads the tables).
    var index: LiveIndex?
    /// How many chains the last planning re-read because others changed them (nil: none followed).
    var patchedChains: Int?

    /// One planning attempt: the plan, the state read for it (nil: the cached view was used), and
    /// whether it was scoped to a change.
    struct Attempt {
        var plan: Plan
        var read: ObservedRuleset?
        var scoped: Bool
    }

    /// Plans `desired` against the cached view when it is still the kernel's state (only the
    /// chains of `change` when given and nothing of ours drifted), else against a fresh read.
    mutating func planned(_ desired: Ruleset, change: DesiredChange?) throws(ReconcileError) -> Attempt {
        patchedChains = nil
        if let (valid, drifted) = try validIndex() {
            index = nil
            var cached = consume valid
            if let change, !drifted {
                cached.indexRules(of: change.deltas.keys)
                if let plan = Planner.plan(live: cached, change: change) {
                    index = cached
                    return Attempt(plan: plan, read: nil, scoped: true)
                }
            }
            index = cached
            return Attempt(plan: Planner.plan(observed: cached.observed, desired: desired), read: nil, scoped: false)
        }
        let observed = try read()
        return Attempt(plan: Planner.plan(observed: observed, desired: desired), read: observed, scoped: false)
    }

    /// The cached view if it is still the kernel's state: the same generation, or later
    /// generations whose changes the backend can name (those chains are re-read into the view).
    /// `drifted`: some of our tables' chains changed, so the whole ruleset must be planned.
    private mutating func validIndex() throws(ReconcileError) -> (index: LiveIndex, drifted: Bool)? {
        guard let generation = index?.generation else { return nil }
        do {
            let now = try backend.generation()
            if now == generation { return (index!, false) }
            guard let all = try backend.changedChains(family: family, from: generation, to: now) else { return nil }
            let changed = all.filter { tables.contains($0.key.table) }
            var next = index!
            index = nil
            // Foreign chains are not read again (they never change a plan; see `SettledRead`).
            let reread = changed.filter { $0.value != .deleted && ReconcileEngine.matters($0.key) }.keys
                .sorted { ($0.table.rawValue, $0.chain) < ($1.table.rawValue, $1.chain) }
            var fresh = try backend.observe(family: family, chains: reread)
            for (ref, fate) in changed where fate == .deleted { fresh[ref] = .some(nil) }
            next.replaceRules(with: fresh)
            guard try backend.generation() == now else { return nil }
            next.generation = now
            patchedChains = changed.count
            // Foreign chains of our tables (DOCKER, CNI-HOSTPORT-...) changing does not touch
            // what we planned; our chains or a built-in chain (where our jumps live) does.
            let drifted = changed.keys.contains(where: ReconcileEngine.matters)
            return (next, drifted)
        } catch {
            throw .backend(error)
        }
    }

    /// The family's tables read whole.
    func read() throws(ReconcileError) -> ObservedRuleset {
        do {
            return try SettledRead(backend: backend, family: family, tables: tables).read()
        } catch {
            throw .backend(error)
        }
    }

    /// Keeps the state `attempt` read (when it read one) as the view, for `desired`.
    mutating func keepRead(of attempt: Attempt, desired: Ruleset) {
        if let read = attempt.read { index = LiveIndex(read, sharingRulesWith: desired) }
    }

    /// Brings foreign chains changed around a resent commit into the view (nil view on failure).
    mutating func followForeign(_ changed: [ChainRef: ChainFate]) {
        let reread = changed.filter { $0.value != .deleted && tables.contains($0.key.table) && ReconcileEngine.matters($0.key) }.map(\.key)
        guard var next = index, var fresh = try? backend.observe(family: family, chains: reread) else { index = nil; return }
        for (ref, fate) in changed where fate == .deleted && tables.contains(ref.table) { fresh[ref] = .some(nil) }
        next.replaceRules(with: fresh)
        index = next
    }

    /// The view after our commit: the planned-against view with the plan applied, new rules
    /// carrying the handles the commit reported (chains with unknown ones re-read). Nil when
    /// someone else wrote too (the next reconcile re-reads all).
    mutating func refreshed(_ attempt: Attempt, learned: [Int: UInt64], desired: Ruleset) -> LiveIndex? {
        do {
            guard let planned = attempt.plan.generation, try backend.generation() == planned &+ 1 else { return nil }
            guard var next = attempt.read.map({ LiveIndex($0, sharingRulesWith: desired) }) ?? index else { return nil }
            index = nil
            let unknown = try next.apply(attempt.plan, learned: learned)
            if !unknown.isEmpty {
                let order = unknown.sorted { ($0.table.rawValue, $0.chain) < ($1.table.rawValue, $1.chain) }
                next.replaceRules(with: try backend.observe(family: family, chains: order))
                guard try backend.generation() == planned &+ 1 else { return nil }
            }
            next.generation = planned &+ 1
            return next
        } catch {
            return nil
        }
    }
}
