import Reconciler
import Testing

@Suite struct DesiredChangeTrackerTests {
    /// A deterministic pseudo-random generator (tests must be reproducible).
    struct LCG: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    func randomService(_ i: Int, _ rng: inout LCG) -> ServiceModel {
        let type = ["ClusterIP", "NodePort", "LoadBalancer"][Int.random(in: 0..<3, using: &rng)]
        let svc = K.service("ns", "svc\(i)", type: type, clusterIP: "172.30.0.\(i + 1)",
                            ports: [K.port("p", 80, nodePort: type == "ClusterIP" ? nil : 30000 + i)],
                            lbIPs: type == "LoadBalancer" ? ["5.6.7.\(i + 1)"] : [],
                            sourceRanges: Bool.random(using: &rng) ? ["192.168.0.0/16"] : nil,
                            eTP: Bool.random(using: &rng) ? "Local" : nil, iTP: Bool.random(using: &rng) ? "Local" : nil,
                            affinity: Bool.random(using: &rng) ? 300 : nil, healthCheckNodePort: 32000 + i)
        return svc.validate().model!
    }

    func randomSlice(_ i: Int, _ n: Int, _ rng: inout LCG) -> EndpointSliceModel {
        let eps = (0..<Int.random(in: 0...4, using: &rng)).map { j in
            K.ep("10.\(i).\(n).\(j + 1)", node: Bool.random(using: &rng) ? "test-node" : "other",
                 ready: Bool.random(using: &rng), serving: true, terminating: Bool.random(using: &rng))
        }
        return K.slice("ns", "svc\(i)", "svc\(i)-\(n)", endpoints: eps, ports: [K.sport("p", 8080)]).validate().model!
    }

    /// After every single change, the tracker's ruleset equals a full recompute, and only the
    /// changed service was regenerated.
    @Test func incrementalEqualsFullRecompute() {
        var rng = LCG(state: 42)
        var tracker = ChangeTracker(settings: K.fakeIPv4)
        for step in 0..<300 {
            let before = tracker.ruleset
            let i = Int.random(in: 0..<12, using: &rng)
            let name = ServiceName(namespace: "ns", name: "svc\(i)")
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: tracker.upsert(service: randomService(i, &rng))
            case 1: tracker.delete(service: name)
            case 2, 3: tracker.upsert(slice: randomSlice(i, Int.random(in: 0..<2, using: &rng), &rng))
            default: tracker.delete(slice: "svc\(i)-\(Int.random(in: 0..<2, using: &rng))", namespace: "ns")
            }
            #expect(tracker.ruleset == DesiredState.compute(tracker.state, settings: K.fakeIPv4), "step \(step)")
            #expect(tracker.lastRecomputed.isSubset(of: [name]), "step \(step)")
            #expect(Self.unchangedOutside(tracker.lastChangedChains, before, tracker.ruleset), "step \(step)")
        }
    }

    /// Every chain not reported as changed is identical before and after.
    static func unchangedOutside(_ changed: [TableName: Set<String>], _ a: Ruleset, _ b: Ruleset) -> Bool {
        for t in TableName.allCases {
            let ca = a[table: t]?.chains ?? [], cb = b[table: t]?.chains ?? []
            let names = Set(ca.map(\.name)).union(cb.map(\.name)).subtracting(changed[t] ?? [])
            for n in names where a[table: t]?[chain: n] != b[table: t]?[chain: n] { return false }
        }
        return true
    }

    /// Crossing the 1000-endpoint threshold changes every service's comments: all are regenerated.
    @Test func largeClusterThresholdRecomputesEverything() {
        var s = K.fakeIPv4
        s.largeClusterEndpointsThreshold = 2
        var tracker = ChangeTracker(settings: s)
        for i in 0..<3 {
            tracker.upsert(service: K.service("ns", "svc\(i)", clusterIP: "172.30.0.\(i + 1)", ports: [K.port("p", 80)]).validate().model!)
            tracker.upsert(slice: K.slice("ns", "svc\(i)", endpoints: [K.ep("10.0.0.\(i + 1)")], ports: [K.sport("p", 80)]).validate().model!)
        }
        #expect(tracker.lastRecomputed.count == 3)
        #expect(tracker.ruleset == DesiredState.compute(tracker.state, settings: s))
        tracker.delete(slice: "svc0-1", namespace: "ns")
        #expect(tracker.lastRecomputed.count == 3)
        #expect(tracker.ruleset == DesiredState.compute(tracker.state, settings: s))
    }

    @Test func sliceMovingToAnotherServiceUpdatesBoth() {
        var tracker = ChangeTracker(settings: K.fakeIPv4)
        for i in 0..<2 {
            tracker.upsert(service: K.service("ns", "svc\(i)", clusterIP: "172.30.0.\(i + 1)", ports: [K.port("p", 80)]).validate().model!)
        }
        tracker.upsert(slice: K.slice("ns", "svc0", "shared", endpoints: [K.ep("10.0.0.1")], ports: [K.sport("p", 80)]).validate().model!)
        tracker.upsert(slice: K.slice("ns", "svc1", "shared", endpoints: [K.ep("10.0.0.1")], ports: [K.sport("p", 80)]).validate().model!)
        #expect(tracker.lastRecomputed == [ServiceName(namespace: "ns", name: "svc0"), ServiceName(namespace: "ns", name: "svc1")])
        #expect(tracker.ruleset == DesiredState.compute(tracker.state, settings: K.fakeIPv4))
    }
}
