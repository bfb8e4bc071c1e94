import Reconciler
import Testing

@Suite struct ChangeTrackerBatchTests {
    /// Random batches of changes (services and slices created, changed, deleted): after each batch
    /// the ruleset equals a full recompute, the batch's change record covers every changed chain,
    /// and the unapplied change gives the same plan as a full diff.
    @Test func batchEqualsFullRecompute() {
        let t = DesiredChangeTrackerTests()
        var rng = DesiredChangeTrackerTests.LCG(state: 99)
        var tracker = ChangeTracker(settings: K.fakeIPv4)
        for step in 0..<150 {
            let before = tracker.ruleset
            let size = Int.random(in: 0..<8, using: &rng)
            tracker.batch { tracker in
                for _ in 0..<size {
                    let i = Int.random(in: 0..<12, using: &rng)
                    switch Int.random(in: 0..<5, using: &rng) {
                    case 0: tracker.upsert(service: t.randomService(i, &rng))
                    case 1: tracker.delete(service: ServiceName(namespace: "ns", name: "svc\(i)"))
                    case 2, 3: tracker.upsert(slice: t.randomSlice(i, Int.random(in: 0..<2, using: &rng), &rng))
                    default: tracker.delete(slice: "svc\(i)-\(Int.random(in: 0..<2, using: &rng))", namespace: "ns")
                    }
                }
                #expect(tracker.ruleset == before, "step \(step): the ruleset is patched when the batch ends")
            }
            #expect(tracker.ruleset == DesiredState.compute(tracker.state, settings: K.fakeIPv4), "step \(step)")
            #expect(DesiredChangeTrackerTests.unchangedOutside(tracker.lastChangedChains, before, tracker.ruleset), "step \(step)")
        }
    }

    /// A batch that crosses the large-cluster threshold reassembles everything once, correctly.
    @Test func batchCrossingLargeClusterThreshold() {
        var s = K.fakeIPv4
        s.largeClusterEndpointsThreshold = 2
        var tracker = ChangeTracker(settings: s)
        tracker.batch { tracker in
            for i in 0..<3 {
                tracker.upsert(service: K.service("ns", "svc\(i)", clusterIP: "172.30.0.\(i + 1)", ports: [K.port("p", 80)]).validate().model!)
                tracker.upsert(slice: K.slice("ns", "svc\(i)", endpoints: [K.ep("10.0.0.\(i + 1)")], ports: [K.sport("p", 80)]).validate().model!)
            }
        }
        #expect(tracker.lastRecomputed.count == 3)
        #expect(tracker.ruleset == DesiredState.compute(tracker.state, settings: s))
        tracker.batch { $0.delete(slice: "svc0-1", namespace: "ns"); $0.delete(service: ServiceName(namespace: "ns", name: "svc1")) }
        #expect(tracker.ruleset == DesiredState.compute(tracker.state, settings: s))
    }
}
