import Testing
@testable import Reconciler

/// Planning only the chains a change touched (the tracker's scope) gives exactly the plan a
/// full diff gives, and the engine converges through many rounds of random changes.
@Suite struct ScopedPlanTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func scopedPlansEqualFullPlansOverRandomChanges(seed: UInt64) throws {
        let generator = ClusterGenerator(seed: seed)
        var cluster = generator.cluster(services: 150)
        var tracker = ChangeTracker(settings: ClusterGenerator.settings)
        _ = tracker.update(to: cluster.state)
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        _ = try engine.reconcile(tracker.ruleset)
        tracker.clearUnappliedChanges()
        for round in 1...12 {
            let (next, events) = generator.changing(cluster, count: 1 + round % 5, changeSeed: UInt64(round) &* seed)
            cluster = next
            for event in events { event.apply(to: &tracker) }
            let observed = try #require(engine.cache)
            let full = Planner.plan(observed: observed, desired: tracker.ruleset)
            let scoped = Planner.plan(observed: observed, desired: tracker.ruleset, scope: tracker.unappliedScope)
            #expect(Set(scoped.operations.map { "\($0)" }) == Set(full.operations.map { "\($0)" }), "round \(round)")
            let outcome = try engine.reconcile(tracker.ruleset, scope: tracker.unappliedScope)
            #expect(!outcome.reread)
            tracker.clearUnappliedChanges()
            #expect(try engine.verify(tracker.ruleset).isEmpty, "round \(round)")
            _ = try engine.reconcile(tracker.ruleset)
        }
    }
}
