import Reconciler
import Testing

@Suite struct DesiredCategorizationTests {
    let spn = ServicePortName(service: ServiceName(namespace: "ns", name: "s"), port: "p", proto: .tcp)

    func svc(eTPLocal: Bool = false, iTPLocal: Bool = false, nodePort: Int = 0) -> ServicePortInfo {
        ServicePortInfo(name: spn, clusterIP: IPAddress("172.30.0.1")!, port: 80, nodePort: nodePort, externalIPs: [],
                        loadBalancerVIPs: [], loadBalancerSourceRanges: [], healthCheckNodePort: 0, affinityTimeout: nil,
                        externalPolicyLocal: eTPLocal, internalPolicyLocal: iTPLocal)
    }

    func ep(_ ip: String, local: Bool = false, ready: Bool = true, serving: Bool = true, terminating: Bool = false,
            zones: Set<String> = [], nodes: Set<String> = []) -> EndpointInfo {
        EndpointInfo(ip: IPAddress(ip)!, port: 80, isLocal: local, ready: ready, serving: serving,
                     terminating: terminating, zoneHints: zones, nodeHints: nodes)
    }

    var settings: ProxySettings {
        var s = ProxySettings(nodeName: "n1")
        s.topologyZone = "z1"
        return s
    }

    @Test func readyEndpointsPreferredOverTerminating() {
        let eps = [ep("10.0.0.1"), ep("10.0.0.2", ready: false, serving: true, terminating: true)]
        let c = EndpointCategorizer.categorize(eps, svc(), settings: settings)
        #expect(c.cluster.map(\.string) == ["10.0.0.1:80"])
        #expect(c.hasAnyEndpoints)
    }

    @Test func terminatingFallbackWhenNoReadyEndpoint() {
        let eps = [ep("10.0.0.1", ready: false, serving: false, terminating: true),
                   ep("10.0.0.2", ready: false, serving: true, terminating: true)]
        let c = EndpointCategorizer.categorize(eps, svc(), settings: settings)
        #expect(c.cluster.map(\.string) == ["10.0.0.2:80"])
        #expect(c.allReachable.map(\.string) == ["10.0.0.2:80"])
    }

    @Test func localPolicyFallsBackToLocalTerminatingIndependently() {
        let eps = [ep("10.0.0.1"), ep("10.0.0.2", local: true, ready: false, serving: true, terminating: true)]
        let c = EndpointCategorizer.categorize(eps, svc(eTPLocal: true, nodePort: 30000), settings: settings)
        #expect(c.cluster.map(\.string) == ["10.0.0.1:80"])
        #expect(c.local.map(\.string) == ["10.0.0.2:80"])
        #expect(c.allReachable.map(\.string) == ["10.0.0.1:80", "10.0.0.2:80"])
    }

    @Test func internalLocalOnlyUsesLocalEndpoints() {
        let eps = [ep("10.0.0.1"), ep("10.0.0.2", local: true)]
        let c = EndpointCategorizer.categorize(eps, svc(iTPLocal: true), settings: settings)
        #expect(c.cluster.isEmpty)
        #expect(c.local.map(\.string) == ["10.0.0.2:80"])
        #expect(c.allReachable.map(\.string) == ["10.0.0.2:80"])
    }

    @Test func zoneHintsNarrowClusterEndpoints() {
        let eps = [ep("10.0.0.1", zones: ["z1"]), ep("10.0.0.2", zones: ["z2"])]
        #expect(EndpointCategorizer.categorize(eps, svc(), settings: settings).cluster.map(\.string) == ["10.0.0.1:80"])
    }

    @Test func hintsIgnoredUnlessEveryReadyEndpointHasThem() {
        let eps = [ep("10.0.0.1", zones: ["z1"]), ep("10.0.0.2")]
        #expect(EndpointCategorizer.categorize(eps, svc(), settings: settings).cluster.count == 2)
        let other = [ep("10.0.0.1", zones: ["z2"]), ep("10.0.0.2", zones: ["z3"])]
        #expect(EndpointCategorizer.categorize(other, svc(), settings: settings).cluster.count == 2)
    }

    @Test func nodeHintsWinOverZoneHints() {
        let eps = [ep("10.0.0.1", zones: ["z1"], nodes: ["n2"]), ep("10.0.0.2", zones: ["z1"], nodes: ["n1"])]
        #expect(EndpointCategorizer.categorize(eps, svc(), settings: settings).cluster.map(\.string) == ["10.0.0.2:80"])
        var gateOff = settings
        gateOff.preferSameTrafficDistribution = false
        #expect(EndpointCategorizer.categorize(eps, svc(), settings: gateOff).cluster.count == 2)
    }

    @Test func slicesMergeDedupPreferringLocalAndSortByString() {
        let a = K.slice("ns", "s", "s-a", endpoints: [K.ep("10.0.0.10"), K.ep("10.0.0.2")], ports: [K.sport("p", 80)])
        let b = K.slice("ns", "s", "s-b", endpoints: [K.ep("10.0.0.2", node: "n1")], ports: [K.sport("p", 80)])
        let models = [a, b].compactMap { $0.validate().model }
        let map = EndpointsMapBuilder.build(slices: models, family: .ipv4, nodeName: "n1")
        let list = map[spn]!
        #expect(list.map(\.string) == ["10.0.0.10:80", "10.0.0.2:80"])
        #expect(list[1].isLocal)
    }
}
