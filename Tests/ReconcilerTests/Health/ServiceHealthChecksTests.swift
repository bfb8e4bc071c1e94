import Testing
@testable import Reconciler

/// Which Services get a health-check port and how their local endpoints are counted
/// (kube-proxy's `LocalReadyEndpoints`).
@Suite struct ServiceHealthChecksTests {
    static func lb(_ name: String, hc: Int = 30000, eTP: String = "Local", ports: [Service.Port] = [K.port("p", 80, nodePort: 30080)]) -> Service {
        K.service("ns", name, type: "LoadBalancer", clusterIP: "172.30.0.\(name.count + 1)", ports: ports, eTP: eTP, healthCheckNodePort: hc)
    }

    static func targets(_ services: [Service], _ slices: [EndpointSlice]) -> [ServiceName: ServiceHealthChecks.Target] {
        let state = K.state(services, slices)
        return ServiceHealthChecks.targets(services: state.services, slices: state.slices, family: .ipv4, nodeName: "node-1")
    }

    @Test func onlyLocalLoadBalancersWithAPort() {
        let services = [Self.lb("a"), Self.lb("b", eTP: "Cluster"), Self.lb("c", hc: 0),
                        K.service("ns", "d", type: "NodePort", clusterIP: "172.30.1.1", ports: [K.port("p", 80, nodePort: 30081)],
                                  eTP: "Local", healthCheckNodePort: 30001)]
        let t = Self.targets(services, [])
        #expect(t.keys.map(\.name) == ["a"])
        #expect(t.values.first == .init(service: ServiceName(namespace: "ns", name: "a"), port: 30000, localEndpoints: 0))
    }

    @Test func readyLocalEndpointsCount() {
        let slice = K.slice("ns", "a", endpoints: [K.ep("10.0.0.1", node: "node-1"), K.ep("10.0.0.2", node: "node-1"),
                                                   K.ep("10.0.0.3", node: "node-2"), K.ep("10.0.0.4")], ports: [K.sport("p", 8080)])
        #expect(Self.targets([Self.lb("a")], [slice]).values.first?.localEndpoints == 2)
    }

    /// No serving-terminating fallback: only terminating local endpoints count as none.
    @Test func terminatingLocalEndpointsDoNotCount() {
        let slice = K.slice("ns", "a", endpoints: [K.ep("10.0.0.1", node: "node-1", ready: false, serving: true, terminating: true),
                                                   K.ep("10.0.0.2", node: "node-1", ready: false, serving: false)],
                            ports: [K.sport("p", 8080)])
        #expect(Self.targets([Self.lb("a")], [slice]).values.first?.localEndpoints == 0)
    }

    @Test func remoteOnlyCountsZero() {
        let slice = K.slice("ns", "a", endpoints: [K.ep("10.0.0.1", node: "node-2"), K.ep("10.0.0.2", node: "node-3")],
                            ports: [K.sport("p", 8080)])
        #expect(Self.targets([Self.lb("a")], [slice]).values.first?.localEndpoints == 0)
    }

    /// Distinct addresses over all ports and slices: one pod serving two ports is one endpoint.
    @Test func distinctAddressesAcrossPortsAndSlices() {
        let two = Self.lb("a", ports: [K.port("http", 80, nodePort: 30080), K.port("https", 443, nodePort: 30443)])
        let s1 = K.slice("ns", "a", "a-1", endpoints: [K.ep("10.0.0.1", node: "node-1")], ports: [K.sport("http", 8080), K.sport("https", 8443)])
        let s2 = K.slice("ns", "a", "a-2", endpoints: [K.ep("10.0.0.1", node: "node-1"), K.ep("10.0.0.9", node: "node-1")],
                         ports: [K.sport("http", 8080)])
        #expect(Self.targets([two], [s1, s2]).values.first?.localEndpoints == 2)
    }

    /// The other family's slices do not count, and a Service without a cluster IP of the family has no target.
    @Test func perFamily() {
        let v6 = K.slice("ns", "a", family: "IPv6", endpoints: [K.ep("fd00::1", node: "node-1")], ports: [K.sport("p", 8080)])
        let state = K.state([Self.lb("a")], [v6])
        #expect(ServiceHealthChecks.targets(services: state.services, slices: state.slices, family: .ipv4, nodeName: "node-1")
                .values.first?.localEndpoints == 0)
        #expect(ServiceHealthChecks.targets(services: state.services, slices: state.slices, family: .ipv6, nodeName: "node-1").isEmpty)
    }

    /// kube-proxy's no_local_endpoints gauge: Local-policy ports without a usable local endpoint
    /// (ready, or serving-terminating as a fallback), per policy.
    @Test func portsWithoutLocalEndpoints() {
        let ext = Self.lb("a")
        let itp = K.service("ns", "b", clusterIP: "172.30.2.1", ports: [K.port("p", 80), K.port("q", 81)], iTP: "Local")
        let slices = [K.slice("ns", "a", endpoints: [K.ep("10.0.0.1", node: "node-2")], ports: [K.sport("p", 8080)]),
                      K.slice("ns", "b", endpoints: [K.ep("10.0.0.2", node: "node-1", ready: false, serving: true, terminating: true)],
                              ports: [K.sport("p", 8080)])]
        let state = K.state([ext, itp], slices)
        let n = ServiceHealthChecks.portsWithoutLocalEndpoints(services: state.services, slices: state.slices, family: .ipv4, nodeName: "node-1")
        #expect(n.external == 1 && n.internal == 1, "\(n)")   // a:p has no local endpoint; b:q has none, b:p falls back
    }
}
