/// What one reconcile did.
public struct ReconcileOutcome: Sendable {
    /// The plan that was applied (or, for a dry run, would be).
    public var plan: Plan
    /// The state the plan was computed against, when it was read for this reconcile (nil when
    /// the engine's cached view was used: materializing it would cost a pass over the table).
    public var observed: ObservedRuleset?
    /// Whether the live state was re-read (false: the cached state of our last apply was used).
    public var reread: Bool
    /// How many times the plan was recomputed after a concurrent change (ERESTART) or a refusal
    /// of a plan made from the cached view.
    public var retries: Int
    /// Whether the plan was committed.
    public var applied: Bool
    /// Whether the plan looked only at the chains of a change (`DesiredChange`).
    public var scoped: Bool = false
}

/// Why reconciling failed; nothing was applied.
public enum ReconcileError: Error, CustomStringConvertible {
    case conflictsExhausted(attempts: Int)
    case backend(Error)
    case verifyFailed(Plan)
    /// A restore script that cannot be applied to the live tables (e.g. a rule deleted that is not there).
    case script(ParseError)

    public var description: String {
        switch self {
        case .conflictsExhausted(let attempts):
            return "the ruleset kept changing under us: \(attempts) attempts ended in ERESTART; nothing applied"
        case .backend(let error): return "\(error)"
        case .verifyFailed(let plan): return "verification failed: live state differs from desired (\(plan.summary))"
        case .script(let error): return "\(error)"
        }
    }
}

/// Reads, plans and applies. After a successful apply it keeps the resulting state as a
/// `LiveIndex`, so the next reconcile in the same process skips the re-read while the
/// generation is still ours, and a change-scoped reconcile touches only the changed chains.
public final class ReconcileEngine {
    public let backend: RulesetBackend
    public let family: IPFamily
    public let tables: [TableName]
    /// Attempts before giving up on repeated concurrent changes.
    public var maxAttempts = 8
    /// Whether to keep the state after an apply for the next reconcile. A one-shot caller (the
    /// CLI) turns it off.
    public var keepsState = true
    /// Chains beyond which the state is not kept after an apply (a cold apply: the next sync
    /// re-reads the table instead of following that many chains).
    public var refreshLimit = 2000
    /// The live view after our last apply (nil: the next reconcile reads the tables).
    private(set) public var index: LiveIndex?
    /// How many chains the last reconcile re-read because others changed them (nil: none were
    /// followed; the view was current or the tables were read whole).
    private(set) public var patchedChains: Int?
    /// Time the last reconcile spent planning (including any read) and updating its view after
    /// the commit: the engine's own share of a sync, for benchmarks and metrics.
    private(set) public var lastPlanning: Duration = .zero
    private(set) public var lastViewUpdate: Duration = .zero

    public init(backend: RulesetBackend, family: IPFamily, tables: [TableName] = [.filter, .nat]) {
        self.backend = backend
        self.family = family
        self.tables = tables
    }

    /// The cached state as an observed ruleset (a pass over the table; for tests and output).
    public var cache: ObservedRuleset? { index?.observed }

    /// Forgets the cached state (the next reconcile re-reads everything).
    public func invalidate() { index = nil }

    /// Brings the live state to `desired` (or only plans, for a dry run).
    ///
    /// `scope` names the chains that may differ from the desired ruleset this engine last applied
    /// (`ChangeTracker.unappliedScope`); it is used only while the cached state is valid. Building
    /// the change from a whole ruleset is linear in it: agents pass `change:` instead.
    public func reconcile(_ desired: Ruleset, dryRun: Bool = false,
                          scope: Set<ChainRef>? = nil) throws(ReconcileError) -> ReconcileOutcome {
        try reconcile(desired, change: index != nil ? scope.map { DesiredChange(desired: desired, scope: $0) } : nil, dryRun: dryRun)
    }

    /// Brings the live state to `desired`; while the cached view is valid and `change` is given
    /// (`ChangeTracker.unappliedChange`), the plan looks only at the chains it names.
    public func reconcile(_ desired: Ruleset, change: DesiredChange?, dryRun: Bool = false) throws(ReconcileError) -> ReconcileOutcome {
        var retries = 0
        var change = change
        while true {
            let started = ContinuousClock.now
            var attempt = try planned(desired, change: change)
            lastPlanning = ContinuousClock.now - started
            lastViewUpdate = .zero
            var outcome = ReconcileOutcome(plan: attempt.plan, observed: attempt.read, reread: attempt.read != nil,
                                           retries: retries, applied: false, scoped: attempt.scoped)
            if dryRun || attempt.plan.isEmpty {
                if let read = attempt.read { index = keepsState ? LiveIndex(read, sharingRulesWith: desired) : nil }
                return outcome
            }
            // Handles are learned only when the view is kept (a cold apply is not followed).
            let keeps = keepsState && touchesAtMost(refreshLimit, chainsOf: attempt.plan)
            var learned: [Int: UInt64] = [:], foreign: [ChainRef: ChainFate] = [:]
            do {
                (learned, foreign) = try commitResending(&attempt, keeps: keeps, retries: &retries)
                outcome.retries = retries
            } catch BackendError.generationChanged {
                // Nothing was applied: the view planned against is still the kernel's state at
                // its generation, so the next attempt follows the notifications from there and
                // re-reads only what others changed (no whole-table read under other writers).
                if keepsState, let read = attempt.read { index = LiveIndex(read, sharingRulesWith: desired) }
                retries += 1
                if retries >= maxAttempts { throw .conflictsExhausted(attempts: retries) }
                continue
            } catch {
                index = nil
                // The cached view may be wrong where the whole table was not looked at: plan again from a read.
                guard attempt.scoped, retries + 1 < maxAttempts else { throw .backend(error) }
                retries += 1
                change = nil
                continue
            }
            let committed = ContinuousClock.now
            index = keeps ? refreshed(attempt, learned: learned, desired: desired) : nil
            if index != nil, !foreign.isEmpty { followForeign(foreign) }
            lastViewUpdate = ContinuousClock.now - committed
            outcome.applied = true
            return outcome
        }
    }

    /// Commits `attempt.plan`. When the generation moved only through others' changes to chains
    /// that are neither ours nor built-in (Docker's, a CNI plugin's: known from the notifications),
    /// the same plan is sent again at once, guarded by the new generation: nothing it does depends
    /// on those chains. Returns the handles learned and the foreign chains changed meanwhile;
    /// rethrows `generationChanged` when a change matters (the caller follows and plans again).
    private func commitResending(_ attempt: inout Attempt, keeps: Bool,
                                 retries: inout Int) throws -> (learned: [Int: UInt64], foreign: [ChainRef: ChainFate]) {
        var foreign: [ChainRef: ChainFate] = [:]
        while true {
            do {
                if keeps { return (try backend.commitLearningHandles(attempt.plan), foreign) }
                try backend.commit(attempt.plan)
                return ([:], foreign)
            } catch BackendError.generationChanged(let planned) {
                guard retries + 1 < maxResends, let from = planned, let now = try? backend.generation(),
                      let changed = try? backend.changedChains(from: from, to: now),
                      !changed.keys.contains(where: Self.matters) else { throw BackendError.generationChanged(planned: planned) }
                for (ref, fate) in changed { ChainFate.merge(&foreign, ref, fate) }
                attempt.plan.generation = now
                retries += 1
            }
        }
    }

    /// Resends of an unchanged plan past others' commits to foreign chains, per reconcile.
    public var maxResends = 64

    /// A chain whose change can alter what a plan does: one of ours, or a built-in chain (where
    /// our jumps live).
    public static func matters(_ ref: ChainRef) -> Bool {
        Ownership.owns(chain: ref.chain, in: ref.table) || ref.table.builtinChains.contains(ref.chain)
    }

    /// Brings foreign chains changed around a resent commit into the view (nil view on failure).
    private func followForeign(_ changed: [ChainRef: ChainFate]) {
        let reread = changed.filter { $0.value != .deleted && tables.contains($0.key.table) && Self.matters($0.key) }.map(\.key)
        guard var next = index, var fresh = try? backend.observe(family: family, chains: reread) else { index = nil; return }
        for (ref, fate) in changed where fate == .deleted && tables.contains(ref.table) { fresh[ref] = .some(nil) }
        next.replaceRules(with: fresh)
        index = next
    }

    /// Re-reads everything and checks that nothing remains to do.
    public func verify(_ desired: Ruleset) throws(ReconcileError) -> Plan {
        index = nil
        let observed = try read()
        let plan = Planner.plan(observed: observed, desired: desired)
        guard plan.isEmpty else { throw .verifyFailed(plan) }
        return plan
    }

    /// One planning attempt: the plan, the state read for it (nil: the cached view was used), and
    /// whether it was scoped to a change.
    private struct Attempt {
        var plan: Plan
        var read: ObservedRuleset?
        var scoped: Bool
    }

    private func planned(_ desired: Ruleset, change: DesiredChange?) throws(ReconcileError) -> Attempt {
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
    private func validIndex() throws(ReconcileError) -> (index: LiveIndex, drifted: Bool)? {
        guard let generation = index?.generation else { return nil }
        do {
            let now = try backend.generation()
            if now == generation { return (index!, false) }
            guard let all = try backend.changedChains(from: generation, to: now) else { return nil }
            let changed = all.filter { tables.contains($0.key.table) }
            var next = index!
            index = nil
            // Foreign chains are not read again (they never change a plan; see `SettledRead`).
            let reread = changed.filter { $0.value != .deleted && Self.matters($0.key) }.keys
                .sorted { ($0.table.rawValue, $0.chain) < ($1.table.rawValue, $1.chain) }
            var fresh = try backend.observe(family: family, chains: reread)
            for (ref, fate) in changed where fate == .deleted { fresh[ref] = .some(nil) }
            next.replaceRules(with: fresh)
            guard try backend.generation() == now else { return nil }
            next.generation = now
            patchedChains = changed.count
            // Foreign chains of our tables (DOCKER, CNI-HOSTPORT-...) changing does not touch
            // what we planned; our chains or a built-in chain (where our jumps live) does.
            let drifted = changed.keys.contains(where: Self.matters)
            return (next, drifted)
        } catch {
            throw .backend(error)
        }
    }

    private func read() throws(ReconcileError) -> ObservedRuleset {
        do {
            return try SettledRead(backend: backend, family: family, tables: tables).read()
        } catch {
            throw .backend(error)
        }
    }

    /// Whether `plan` changes at most `limit` chains (counting stops past the limit: a cold
    /// apply touches tens of thousands).
    private func touchesAtMost(_ limit: Int, chainsOf plan: Plan) -> Bool {
        var seen = Set<ChainRef>()
        for operation in plan.operations {
            let (table, chain) = operation.location
            if seen.insert(ChainRef(table, chain)).inserted, seen.count > limit { return false }
        }
        return true
    }

    /// The view after our commit: the planned-against view with the plan applied, new rules
    /// carrying the handles the commit reported (chains with unknown ones re-read). Nil when
    /// someone else wrote too (the next reconcile re-reads all).
    private func refreshed(_ attempt: Attempt, learned: [Int: UInt64], desired: Ruleset) -> LiveIndex? {
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
