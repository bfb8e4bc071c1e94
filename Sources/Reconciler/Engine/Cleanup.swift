/// Runs `CleanupPlanner` against the live tables of each family: one generation-guarded
/// transaction per family, replanned when someone else changed the ruleset in between.
public enum Cleanup {
    /// What was removed from one family.
    public struct Outcome: Sendable {
        public var family: IPFamily
        public var plan: Plan
    }

    /// Attempts per family before giving up on concurrent changes.
    public static let maxAttempts = 5

    /// Cleans every family in turn; throws the first failure (earlier families stay cleaned).
    public static func run(backend: RulesetBackend, families: [IPFamily] = [.ipv4, .ipv6]) throws -> [Outcome] {
        try families.map { family in
            var attempt = 0
            while true {
                attempt += 1
                let observed = try backend.observe(family: family, tables: [.filter, .nat, .mangle])
                let plan = CleanupPlanner.plan(observed: observed)
                if plan.isEmpty { return Outcome(family: family, plan: plan) }
                do {
                    try backend.commit(plan)
                    return Outcome(family: family, plan: plan)
                } catch BackendError.generationChanged where attempt < maxAttempts {
                    continue
                }
            }
        }
    }
}
