import Reconciler
import ReconcilerTesting
import Testing

/// The synthetic cluster shared by benchmarks and tests.
@Suite struct ClusterGeneratorTests {
    @Test func sameSeedGivesTheSameCluster() {
        let a = ClusterGenerator(seed: 42).cluster(services: 500)
        let b = ClusterGenerator(seed: 42).cluster(services: 500)
        #expect(a == b)
        #expect(DesiredState.compute(a.state, settings: ClusterGenerator.settings)
                == DesiredState.compute(b.state, settings: ClusterGenerator.settings))
    }

    @Test func otherSeedGivesAnotherCluster() {
        #expect(ClusterGenerator(seed: 1).cluster(services: 200) != ClusterGenerator(seed: 2).cluster(services: 200))
    }

    @Test func shapeAndValidity() {
        let cluster = ClusterGenerator(seed: 7).cluster(services: 2_000)
        let (state, issues) = ClusterState.validating(services: cluster.services, slices: cluster.slices)
        #expect(issues.isEmpty)
        #expect(state.services.count == 2_000)
        let withNodePorts = cluster.services.filter { $0.spec.type != "ClusterIP" }.count
        #expect(withNodePorts == 200)
        #expect(cluster.services.contains { $0.spec.type == "LoadBalancer" })
        #expect(cluster.services.contains { $0.spec.externalIPs != nil })
        #expect(cluster.services.contains { $0.spec.sessionAffinity == "ClientIP" })
        #expect(cluster.slices.allSatisfy { (2...3).contains($0.endpoints?.count ?? 0) })
        let nodePorts = cluster.services.flatMap { $0.spec.ports ?? [] }.compactMap(\.nodePort)
        #expect(Set(nodePorts).count == nodePorts.count)
        let ips = cluster.services.compactMap(\.spec.clusterIP)
        #expect(Set(ips).count == ips.count)
    }

    @Test func changesAreSeededAndTracked() {
        let gen = ClusterGenerator(seed: 3)
        let base = gen.cluster(services: 300)
        let (next, events) = gen.changing(base, count: 8)
        let (again, eventsAgain) = gen.changing(base, count: 8)
        #expect(next == again && events == eventsAgain)
        #expect(next.services.count == 300)  // 2 added, 2 removed
        var tracker = ChangeTracker(settings: ClusterGenerator.settings)
        tracker.update(to: base.state)
        for e in events { e.apply(to: &tracker) }
        #expect(tracker.ruleset == DesiredState.compute(next.state, settings: ClusterGenerator.settings))
        #expect(tracker.ruleset != DesiredState.compute(base.state, settings: ClusterGenerator.settings))
    }
}
