/// Reads, plans and applies, for one IP family or several (a dual-stack node): each family is
/// planned against its own live view and all plans go to the kernel as ONE generation-guarded
/// transaction, so the families change together or not at all. After a successful apply it keeps
/// each family's resulting state as a `LiveIndex`, so the next reconcile in the same process skips
/// the re-read while the generation is still ours, and a change-scoped reconcile touches only the
/// changed chains.
public final class ReconcileEngine {
    public let backend: RulesetBackend
    /// The families reconciled, in the order their plans are committed.
    public let families: [IPFamily]
    public let tables: [TableName]
    /// Attempts before giving up on repeated concurrent changes.
    public var maxAttempts = 8
    /// Whether to keep the state after an apply for the next reconcile. A one-shot caller (the
    /// CLI) turns it off.
    public var keepsState = true
    /// Chains beyond which the state is not kept after an apply (a cold apply: the next sync
    /// re-reads the table instead of following that many chains).
    public var refreshLimit = 2000
    /// Resends of an unchanged plan past others' commits to foreign chains, per reconcile.
    public var maxResends = 64
    private var views: [FamilyView]
    /// Time the last reconcile spent planning (including any read) and updating its views after
    /// the commit: the engine's own share of a sync, for benchmarks and metrics.
    private(set) public var lastPlanning: Duration = .zero
    private(set) public var lastViewUpdate: Duration = .zero

    public init(backend: RulesetBackend, families: [IPFamily], tables: [TableName] = [.filter, .nat]) {
        precondition(!families.isEmpty && Set(families).count == families.count, "one view per family")
        self.backend = backend
        self.families = families
        self.tables = tables
        views = families.map { FamilyView(backend: backend, family: $0, tables: tables) }
    }

    public convenience init(backend: RulesetBackend, family: IPFamily, tables: [TableName] = [.filter, .nat]) {
        self.init(backend: backend, families: [family], tables: tables)
    }

    /// The first (for a single-family engine: the only) family.
    public var family: IPFamily { families[0] }

    /// The live view of the first family after our last apply (nil: the next reconcile reads).
    public var index: LiveIndex? { views[0].index }

    /// The live view of `family` after our last apply.
    public func index(of family: IPFamily) -> LiveIndex? { views.first { $0.family == family }?.index }

    /// The cached state of the first family as an observed ruleset (a pass over the table).
    public var cache: ObservedRuleset? { index?.observed }

    /// How many chains the last reconcile re-read because others changed them, over all families
    /// (nil: none were followed; the views were current or the tables were read whole).
    public var patchedChains: Int? {
        let counts = views.compactMap(\.patchedChains)
        return counts.isEmpty ? nil : counts.reduce(0, +)
    }

    /// Forgets the cached state (the next reconcile re-reads everything).
    public func invalidate() { for i in views.indices { views[i].index = nil } }

    /// Brings the live state of a single-family engine to `desired` (or only plans, for a dry run).
    ///
    /// `scope` names the chains that may differ from the desired ruleset this engine last applied
    /// (`ChangeTracker.unappliedScope`); it is used only while the cached state is valid. Building
    /// the change from a whole ruleset is linear in it: agents pass `change:` instead.
    public func reconcile(_ desired: Ruleset, dryRun: Bool = false,
                          scope: Set<ChainRef>? = nil) throws(ReconcileError) -> ReconcileOutcome {
        try reconcile(desired, change: index != nil ? scope.map { DesiredChange(desired: desired, scope: $0) } : nil, dryRun: dryRun)
    }

    /// Brings the live state of a single-family engine to `desired`; while the cached view is
    /// valid and `change` is given (`ChangeTracker.unappliedChange`), the plan looks only at the
    /// chains it names.
    public func reconcile(_ desired: Ruleset, change: DesiredChange?, dryRun: Bool = false) throws(ReconcileError) -> ReconcileOutcome {
        precondition(views.count == 1, "a dual-stack engine reconciles all its families at once")
        return try reconcile([desired], changes: [change], dryRun: dryRun)[0]
    }

    /// Brings every family's live state to its desired ruleset (`desired[i]` for `families[i]`)
    /// in one transaction; `changes[i]` scopes family i's plan as in the single-family call.
    /// Returns one outcome per family.
    public func reconcile(_ desired: [Ruleset], changes: [DesiredChange?]? = nil,
                          dryRun: Bool = false) throws(ReconcileError) -> [ReconcileOutcome] {
        precondition(desired.count == views.count, "one desired ruleset per family")
        var retries = 0
        var changes = changes ?? Array(repeating: nil, count: views.count)
        while true {
            let started = ContinuousClock.now
            var attempts = try planAll(desired, changes: changes)
            lastPlanning = ContinuousClock.now - started
            lastViewUpdate = .zero
            var outcomes = attempts.map {
                ReconcileOutcome(plan: $0.plan, observed: $0.read, reread: $0.read != nil, retries: retries, applied: false, scoped: $0.scoped)
            }
            if dryRun || attempts.allSatisfy({ $0.plan.isEmpty }) {
                for i in views.indices where attempts[i].read != nil {
                    if keepsState { views[i].keepRead(of: attempts[i], desired: desired[i]) } else { views[i].index = nil }
                }
                return outcomes
            }
            // Handles are learned only when the views are kept (a cold apply is not followed).
            let keeps = keepsState && touchesAtMost(refreshLimit, chainsOf: attempts.map(\.plan))
            let committed: (learned: [[Int: UInt64]], foreign: [[ChainRef: ChainFate]])
            do {
                guard attempts.allSatisfy({ $0.plan.generation == attempts[0].plan.generation }) else {
                    // The families were planned at different generations (someone wrote in
                    // between): no one guard covers both, so follow and plan again.
                    throw BackendError.generationChanged(planned: attempts[0].plan.generation)
                }
                committed = try commitResending(&attempts, keeps: keeps, retries: &retries)
            } catch BackendError.generationChanged {
                // Nothing was applied: the views planned against are still the kernel's state at
                // their generation, so the next attempt follows the notifications from there and
                // re-reads only what others changed (no whole-table read under other writers).
                for i in views.indices where keepsState { views[i].keepRead(of: attempts[i], desired: desired[i]) }
                retries += 1
                if retries >= maxAttempts { throw .conflictsExhausted(attempts: retries) }
                continue
            } catch {
                invalidate()
                // A cached view may be wrong where the whole table was not looked at: plan again from a read.
                guard attempts.contains(where: \.scoped), retries + 1 < maxAttempts else { throw .backend(error) }
                retries += 1
                changes = Array(repeating: nil, count: views.count)
                continue
            }
            let afterCommit = ContinuousClock.now
            for i in views.indices {
                let next = keeps ? views[i].refreshed(attempts[i], learned: committed.learned[i], desired: desired[i]) : nil
                views[i].index = next
                if next != nil, !committed.foreign[i].isEmpty { views[i].followForeign(committed.foreign[i]) }
                outcomes[i].retries = retries
                outcomes[i].applied = !attempts[i].plan.isEmpty
            }
            lastViewUpdate = ContinuousClock.now - afterCommit
            return outcomes
        }
    }

    /// Plans every family against its own view.
    private func planAll(_ desired: [Ruleset], changes: [DesiredChange?]) throws(ReconcileError) -> [FamilyView.Attempt] {
        var attempts: [FamilyView.Attempt] = []
        attempts.reserveCapacity(views.count)
        for i in views.indices { attempts.append(try views[i].planned(desired[i], change: changes[i])) }
        return attempts
    }

    /// Commits the non-empty plans as one transaction. When the generation moved only through
    /// others' changes to chains that are neither ours nor built-in (Docker's, a CNI plugin's:
    /// known from the notifications), the same plans are sent again at once, guarded by the new
    /// generation: nothing they do depends on those chains. Returns, per family, the handles
    /// learned (by index in that family's plan) and the foreign chains changed meanwhile;
    /// rethrows `generationChanged` when a change matters (the caller follows and plans again).
    private func commitResending(_ attempts: inout [FamilyView.Attempt], keeps: Bool,
                                 retries: inout Int) throws -> (learned: [[Int: UInt64]], foreign: [[ChainRef: ChainFate]]) {
        var foreign = Array(repeating: [ChainRef: ChainFate](), count: views.count)
        let included = attempts.indices.filter { !attempts[$0].plan.isEmpty }
        while true {
            do {
                let learned = try backend.commit(families: included.map { attempts[$0].plan }, learningHandles: keeps)
                return (Self.split(learned, among: included, of: attempts), foreign)
            } catch BackendError.generationChanged(let planned) {
                guard retries + 1 < maxResends, let from = planned, let now = try? backend.generation() else { throw BackendError.generationChanged(planned: planned) }
                for i in views.indices {
                    guard let changed = try? backend.changedChains(family: views[i].family, from: from, to: now),
                          !changed.keys.contains(where: Self.matters) else { throw BackendError.generationChanged(planned: planned) }
                    for (ref, fate) in changed { ChainFate.merge(&foreign[i], ref, fate) }
                }
                for i in attempts.indices { attempts[i].plan.generation = now }
                retries += 1
            }
        }
    }

    /// Handles keyed by the operation's index across the committed plans, split back per family.
    private static func split(_ learned: [Int: UInt64], among included: [Int], of attempts: [FamilyView.Attempt]) -> [[Int: UInt64]] {
        var out = Array(repeating: [Int: UInt64](), count: attempts.count)
        guard included.count > 1 else {
            if let only = included.first { out[only] = learned }
            return out
        }
        var ranges: [(family: Int, start: Int, end: Int)] = []
        var start = 0
        for i in included {
            ranges.append((i, start, start + attempts[i].plan.operations.count))
            start += attempts[i].plan.operations.count
        }
        for (global, handle) in learned {
            guard let range = ranges.first(where: { global >= $0.start && global < $0.end }) else { continue }
            out[range.family][global - range.start] = handle
        }
        return out
    }

    /// A chain whose change can alter what a plan does: one of ours, or a built-in chain (where
    /// our jumps live).
    public static func matters(_ ref: ChainRef) -> Bool {
        Ownership.owns(chain: ref.chain, in: ref.table) || ref.table.builtinChains.contains(ref.chain)
    }

    /// Re-reads a single-family engine's tables and checks that nothing remains to do.
    public func verify(_ desired: Ruleset) throws(ReconcileError) -> Plan {
        try verify([desired])[0]
    }

    /// Re-reads every family and checks that nothing remains to do in any.
    public func verify(_ desired: [Ruleset]) throws(ReconcileError) -> [Plan] {
        precondition(desired.count == views.count, "one desired ruleset per family")
        invalidate()
        var plans: [Plan] = []
        for i in views.indices {
            let plan = Planner.plan(observed: try views[i].read(), desired: desired[i])
            guard plan.isEmpty else { throw .verifyFailed(plan) }
            plans.append(plan)
        }
        return plans
    }

    /// Whether `plans` change at most `limit` chains (counting stops past the limit: a cold
    /// apply touches tens of thousands).
    private func touchesAtMost(_ limit: Int, chainsOf plans: [Plan]) -> Bool {
        var total = 0
        for plan in plans {
            var seen = Set<ChainRef>()
            for operation in plan.operations {
                let (table, chain) = operation.location
                if seen.insert(ChainRef(table, chain)).inserted { total += 1 }
                if total > limit { return false }
            }
        }
        return true
    }
}
