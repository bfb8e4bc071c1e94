/// What one reconcile did.
public struct ReconcileOutcome: Sendable {
    /// The plan that was applied (or, for a dry run, would be).
    public var plan: Plan
    /// The state the plan was computed against.
    public var observed: ObservedRuleset
    /// Whether the live state was re-read (false: the cached state of our last apply was used).
    public var reread: Bool
    /// How many times the plan was recomputed after a concurrent change (ERESTART).
    public var retries: Int
    /// Whether the plan was committed.
    public var applied: Bool
}

/// Why reconciling failed; nothing was applied.
public enum ReconcileError: Error, CustomStringConvertible {
    case conflictsExhausted(attempts: Int)
    case backend(Error)
    case verifyFailed(Plan)

    public var description: String {
        switch self {
        case .conflictsExhausted(let attempts):
            return "the ruleset kept changing under us: \(attempts) attempts ended in ERESTART; nothing applied"
        case .backend(let error): return "\(error)"
        case .verifyFailed(let plan): return "verification failed: live state differs from desired (\(plan.summary))"
        }
    }
}

/// Reads, plans and applies. After a successful apply it keeps the resulting state, so the next
/// reconcile in the same process skips the full re-read while the generation is still ours.
public final class ReconcileEngine {
    public let backend: RulesetBackend
    public let family: IPFamily
    public let tables: [TableName]
    /// Attempts before giving up on repeated concurrent changes.
    public var maxAttempts = 4
    /// Whether to keep the state after an apply for the next reconcile (re-reading the touched
    /// chains for their new handles). A one-shot caller (the CLI) turns it off and saves that read.
    public var keepsState = true
    private(set) public var cache: ObservedRuleset?

    public init(backend: RulesetBackend, family: IPFamily, tables: [TableName] = [.filter, .nat]) {
        self.backend = backend
        self.family = family
        self.tables = tables
    }

    /// Forgets the cached state (the next reconcile re-reads everything).
    public func invalidate() { cache = nil }

    /// Brings the live state to `desired` (or only plans, for a dry run).
    ///
    /// `scope` names the chains that may differ from the desired ruleset this engine last applied
    /// (`ChangeTracker.unappliedScope`); it is used only while the cached state is valid, so the
    /// plan costs what the change costs. After a re-read the whole ruleset is planned.
    public func reconcile(_ desired: Ruleset, dryRun: Bool = false,
                          scope: Set<ChainRef>? = nil) throws(ReconcileError) -> ReconcileOutcome {
        var retries = 0
        while true {
            let (observed, reread) = try current()
            let plan = Planner.plan(observed: observed, desired: desired, scope: reread ? nil : scope)
            if dryRun || plan.isEmpty {
                if !dryRun { cache = observed }
                return ReconcileOutcome(plan: plan, observed: observed, reread: reread, retries: retries, applied: false)
            }
            do {
                try backend.commit(plan)
            } catch BackendError.generationChanged {
                cache = nil
                retries += 1
                if retries >= maxAttempts { throw .conflictsExhausted(attempts: retries) }
                continue
            } catch {
                cache = nil
                throw .backend(error)
            }
            // A plan that touches most of the table (a cold apply) is cheaper to re-read whole
            // at the next sync than chain by chain now.
            cache = keepsState && touchedChains(plan) <= refreshLimit ? try refreshed(observed, after: plan) : nil
            return ReconcileOutcome(plan: plan, observed: observed, reread: reread, retries: retries, applied: true)
        }
    }

    /// Re-reads everything and checks that nothing remains to do.
    public func verify(_ desired: Ruleset) throws(ReconcileError) -> Plan {
        cache = nil
        let (observed, _) = try current()
        let plan = Planner.plan(observed: observed, desired: desired)
        guard plan.isEmpty else { throw .verifyFailed(plan) }
        return plan
    }

    private func current() throws(ReconcileError) -> (ObservedRuleset, Bool) {
        do {
            if let cache, let generation = cache.generation, try backend.generation() == generation {
                return (cache, false)
            }
            return (try backend.observe(family: family, tables: tables), true)
        } catch {
            throw .backend(error)
        }
    }

    /// The state after our commit: the observed state with the touched chains re-read (their new
    /// rules' handles are the kernel's). Nil when someone else wrote too (next time re-reads all).
    /// Chains beyond which the post-commit re-read is skipped (the cache is dropped instead).
    public var refreshLimit = 2000

    private func touchedChains(_ plan: Plan) -> Int {
        Set(plan.operations.lazy.map { "\($0.location.table.rawValue)/\($0.location.chain)" }).count
    }

    private func refreshed(_ observed: ObservedRuleset, after plan: Plan) throws(ReconcileError) -> ObservedRuleset? {
        do {
            guard let planned = observed.generation, try backend.generation() == planned &+ 1 else { return nil }
            guard var next = try? PlanSimulator.apply(plan, to: observed, provisional: true) else { return nil }
            var touched: [ChainRef] = [], seen: Set<ChainRef> = []
            for operation in plan.operations where !operation.location.chain.isEmpty {
                let ref = ChainRef(operation.location.table, operation.location.chain)
                if seen.insert(ref).inserted { touched.append(ref) }
            }
            next.replaceRules(with: try backend.observe(family: family, chains: touched))
            guard try backend.generation() == planned &+ 1 else { return nil }
            next.generation = planned &+ 1
            return next
        } catch {
            return nil
        }
    }
}

extension ObservedRuleset {
    /// Puts re-read rules and handles into the chains that exist here (chains found by name
    /// once per table, so this is linear in the number of re-read chains).
    mutating func replaceRules(with reread: [ChainRef: (rules: [Rule], handles: [UInt64])?]) {
        var positions: [TableName: [String: Int]] = [:]
        for (ref, value) in reread {
            guard let value, let t = ruleset.tables.firstIndex(where: { $0.name == ref.table }) else { continue }
            if positions[ref.table] == nil {
                positions[ref.table] = Dictionary(ruleset.tables[t].chains.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
            }
            guard let c = positions[ref.table]![ref.chain] else { continue }
            ruleset.tables[t].chains[c].rules = value.rules
            handles[ref.table, default: [:]][ref.chain] = value.handles
        }
    }
}
