/// Runs `CleanupPlanner` against the live tables of every family: ONE generation-guarded
/// transaction for all of them (all are cleaned or none), replanned when someone else changed
/// the ruleset in between.
public enum Cleanup {
    /// What was removed from one family.
    public struct Outcome: Sendable {
        public var family: IPFamily
        public var plan: Plan
    }

    /// Attempts before giving up on concurrent changes.
    public static let maxAttempts = 5

    /// Cleans every family in one transaction; throws when it is refused (nothing changed).
    public static func run(backend: RulesetBackend, families: [IPFamily] = [.ipv4, .ipv6]) throws -> [Outcome] {
        var attempt = 0
        while true {
            attempt += 1
            let generation = try backend.generation()
            var outcomes: [Outcome] = []
            for family in families {
                var plan = CleanupPlanner.plan(observed: try backend.observe(family: family, tables: [.filter, .nat, .mangle]))
                plan.generation = generation
                outcomes.append(Outcome(family: family, plan: plan))
            }
            let plans = outcomes.map(\.plan).filter { !$0.isEmpty }
            if plans.isEmpty { return outcomes }
            do {
                _ = try backend.commit(families: plans, learningHandles: false)
                return outcomes
            } catch BackendError.generationChanged where attempt < maxAttempts {
                continue
            }
        }
    }
}
