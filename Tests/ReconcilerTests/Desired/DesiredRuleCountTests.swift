import Reconciler
import Testing

/// Rules per table for N services x M endpoints, like kube-proxy's TestNumberIptablesRules
/// (number_generated_rules_test.go, same generator: ClusterIP 10.0.0.1+i, port 80+i, endpoints
/// 172.16.0.1+j:8080). Counts are for this kube-proxy version's fake proxier, which adds two rules
/// the older upstream table lacks: the KUBE-FIREWALL anti-martian rule (filter +1) and the
/// localhost NodePort rule (nat +1 per NodePort). Derivation: filter = 4 (KUBE-FORWARD 3 +
/// KUBE-FIREWALL 1) + per service without endpoints 1 (ClusterIP) or 4 (LoadBalancer: cluster,
/// external, LB and node port REJECTs), + 1 KUBE-PROXY-FIREWALL drop per LB service with
/// endpoints; nat = 5 + per service with n endpoints 2+3n (ClusterIP) or 10+3n (LoadBalancer).
@Suite struct DesiredRuleCountTests {
    struct Case: Sendable, CustomStringConvertible {
        var services: Int, endpoints: Int, loadBalancer: Bool, filter: Int, nat: Int
        var description: String { "\(services) svc x \(endpoints) eps \(loadBalancer ? "LB" : "ClusterIP")" }
    }

    static let cases: [Case] = [
        Case(services: 0, endpoints: 0, loadBalancer: false, filter: 4, nat: 5),
        Case(services: 1, endpoints: 0, loadBalancer: false, filter: 5, nat: 5),
        Case(services: 1, endpoints: 1, loadBalancer: false, filter: 4, nat: 10),
        Case(services: 1, endpoints: 2, loadBalancer: false, filter: 4, nat: 13),
        Case(services: 1, endpoints: 10, loadBalancer: false, filter: 4, nat: 37),
        Case(services: 10, endpoints: 0, loadBalancer: false, filter: 14, nat: 5),
        Case(services: 10, endpoints: 1, loadBalancer: false, filter: 4, nat: 55),
        Case(services: 10, endpoints: 2, loadBalancer: false, filter: 4, nat: 85),
        Case(services: 10, endpoints: 10, loadBalancer: false, filter: 4, nat: 325),
        Case(services: 0, endpoints: 0, loadBalancer: true, filter: 4, nat: 5),
        Case(services: 1, endpoints: 0, loadBalancer: true, filter: 8, nat: 5),
        Case(services: 1, endpoints: 1, loadBalancer: true, filter: 5, nat: 18),
        Case(services: 1, endpoints: 2, loadBalancer: true, filter: 5, nat: 21),
        Case(services: 1, endpoints: 10, loadBalancer: true, filter: 5, nat: 45),
        Case(services: 10, endpoints: 0, loadBalancer: true, filter: 44, nat: 5),
        Case(services: 10, endpoints: 1, loadBalancer: true, filter: 14, nat: 135),
        Case(services: 10, endpoints: 2, loadBalancer: true, filter: 14, nat: 165),
        Case(services: 10, endpoints: 10, loadBalancer: true, filter: 14, nat: 405),
    ]

    static func generate(_ c: Case) -> ClusterState {
        var services: [Service] = [], slices: [EndpointSlice] = []
        for i in 0..<c.services {
            var svc = K.service("namespace", "svc\(i)", clusterIP: "10.0.0.\(1 + i)",
                                ports: [K.port("8080", 80 + i, nodePort: c.loadBalancer ? 30000 + i : nil)])
            if c.loadBalancer {
                svc = K.service("namespace", "svc\(i)", type: "LoadBalancer", clusterIP: "10.0.0.\(1 + i)",
                                ports: [K.port("8080", 80 + i, nodePort: 30000 + i)], externalIPs: ["1.2.3.4"],
                                lbIPs: ["1.2.3.4"], sourceRanges: [" 1.2.3.4/28"], healthCheckNodePort: 32000 + c.services + i)
            }
            services.append(svc)
            let eps = (0..<c.endpoints).map { K.ep("172.16.0.\(1 + $0)") }
            slices.append(K.slice("namespace", "svc\(i)", "svc\(i)", endpoints: eps, ports: [K.sport("8080", 8080)]))
        }
        return K.state(services, slices)
    }

    @Test(arguments: cases) func numberOfRules(_ c: Case) {
        let rs = DesiredState.compute(Self.generate(c), settings: K.fakeIPv4)
        #expect(K.ruleCount(rs, .filter) == c.filter)
        #expect(K.ruleCount(rs, .nat) == c.nat)
    }

    /// Above 1000 endpoints the per-endpoint comments go (SEP rules and SVC dispatch rules).
    @Test func largeClusterModeDropsEndpointComments() {
        let small = DesiredState.compute(Self.generate(Case(services: 1, endpoints: 200, loadBalancer: false, filter: 0, nat: 0)),
                                         settings: K.fakeIPv4)
        var big = Case(services: 1, endpoints: 200, loadBalancer: false, filter: 0, nat: 0)
        big.services = 6
        let large = DesiredState.compute(Self.generate(big), settings: K.fakeIPv4)
        let sepSmall = small[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SEP-") }!
        let sepLarge = large[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SEP-") }!
        #expect(sepSmall.rules.allSatisfy { $0.comment != nil })
        #expect(sepLarge.rules.allSatisfy { $0.comment == nil })
        let svcLarge = large[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SVC-") }!
        #expect(svcLarge.rules.first?.comment != nil)
        #expect(svcLarge.rules.dropFirst().allSatisfy { $0.comment == nil })
        #expect(K.ruleCount(large, .nat) == 5 + 6 * (2 + 3 * 200))
    }
}
