import Testing
@testable import Reconciler
import ReconcilerTesting

/// A 150-service cluster applied through an engine over the in-memory backend, its tracker
/// cleared (the next changes are planned against the engine's view).
enum AppliedCluster {
    static func make(seed: UInt64) throws -> (ClusterGenerator, GeneratedCluster, ChangeTracker, InMemoryBackend, ReconcileEngine) {
        let generator = ClusterGenerator(seed: seed)
        let cluster = generator.cluster(services: 150)
        var tracker = ChangeTracker(settings: ClusterGenerator.settings)
        _ = tracker.update(to: cluster.state)
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        _ = try engine.reconcile(tracker.ruleset, change: tracker.unappliedChange)
        tracker.clearUnappliedChanges()
        return (generator, cluster, tracker, backend, engine)
    }
}

/// Planning only the chains a change touched (the tracker's scope) gives exactly the plan a
/// full diff gives, and the engine converges through many rounds of random changes.
@Suite struct ScopedPlanTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func scopedPlansEqualFullPlansOverRandomChanges(seed: UInt64) throws {
        var (generator, cluster, tracker, _, engine) = try AppliedCluster.make(seed: seed)
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

/// Planning from the tracker's change against the engine's live view (`DesiredChange`,
/// `LiveIndex`): the same effect as a full plan, a view equal to a fresh read after each sync,
/// and a full plan when the kernel refuses a scoped one.
@Suite struct ChangePlanTests {
    private func nonEmpty(_ h: [TableName: [String: [UInt64]]]?) -> [TableName: [String: [UInt64]]]? {
        h?.mapValues { $0.filter { !$0.value.isEmpty } }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func changePlansMatchFullPlansAndKeepTheViewExact(seed: UInt64) throws {
        var (generator, cluster, tracker, backend, engine) = try AppliedCluster.make(seed: seed)
        for round in 1...12 {
            let (next, events) = generator.changing(cluster, count: 1 + round % 5, changeSeed: UInt64(round) &* seed)
            cluster = next
            // Even rounds apply the events as one batch, odd rounds one by one.
            if round % 2 == 0 {
                tracker.batch { t in for event in events { event.apply(to: &t) } }
            } else {
                for event in events { event.apply(to: &tracker) }
            }
            let full = Planner.plan(observed: try #require(engine.cache), desired: tracker.ruleset)
            let outcome = try engine.reconcile(tracker.ruleset, change: tracker.unappliedChange)
            tracker.clearUnappliedChanges()
            #expect(outcome.scoped && !outcome.reread && outcome.retries == 0, "round \(round)")
            #expect(outcome.plan.summary == full.summary, "round \(round)")
            let fresh = try backend.observe(family: .ipv4, tables: [.filter, .nat])
            #expect(engine.cache?.ruleset == fresh.ruleset, "round \(round)")
            #expect(nonEmpty(engine.cache?.handles) == nonEmpty(fresh.handles), "round \(round)")
            #expect(Planner.plan(observed: fresh, desired: tracker.ruleset).isEmpty, "round \(round)")
        }
    }

    @Test func inSyncChangePlansNothing() throws {
        let cluster = ClusterGenerator(seed: 9).cluster(services: 50)
        var tracker = ChangeTracker(settings: ClusterGenerator.settings)
        _ = tracker.update(to: cluster.state)
        let engine = ReconcileEngine(backend: InMemoryBackend(Ruleset(family: .ipv4)), family: .ipv4)
        _ = try engine.reconcile(tracker.ruleset)
        tracker.clearUnappliedChanges()
        let outcome = try engine.reconcile(tracker.ruleset, change: tracker.unappliedChange)
        #expect(outcome.scoped && outcome.plan.isEmpty && !outcome.applied)
    }

    @Test func refusedScopedPlanFallsBackToAFullPlan() throws {
        let cluster = ClusterGenerator(seed: 10).cluster(services: 30)
        var tracker = ChangeTracker(settings: ClusterGenerator.settings)
        _ = tracker.update(to: cluster.state)
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        _ = try engine.reconcile(tracker.ruleset)
        // A wrong change: it claims a service chain that KUBE-SERVICES still jumps to is gone.
        let svc = try #require(tracker.ruleset[table: .nat]?.chains.first { $0.name.hasPrefix("KUBE-SVC-") })
        let wrong = DesiredChange(family: .ipv4, tables: [.filter, .nat], chains: [ChainRef(.nat, svc.name): Chain?.none])
        let outcome = try engine.reconcile(tracker.ruleset, change: wrong)
        #expect(outcome.retries == 1 && !outcome.scoped && outcome.reread && outcome.plan.isEmpty)
        #expect(try engine.verify(tracker.ruleset).isEmpty)
    }

    @Test func ruleDeltaIsAMultisetDifference() {
        let a = Rule(target: .accept), b = Rule(target: .drop), c = Rule(target: .`return`)
        let delta = RuleDelta(old: [a, a, b], new: [a, c, c])
        #expect(delta.removed == [a, b] && delta.added == [c, c])
        #expect(RuleDelta(old: [a, b], new: [b, a]).isEmpty)
    }
}
