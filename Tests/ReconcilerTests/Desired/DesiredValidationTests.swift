import Reconciler
import Testing

@Suite struct DesiredValidationTests {
    func errors(_ s: Service) -> [KubeIssue] { s.validate().issues.filter { $0.severity == .error } }

    @Test func invalidClusterIPRejectsService() {
        let v = K.service("ns", "a", clusterIP: "172.30.0.999", ports: [K.port("p", 80)]).validate()
        #expect(v.model == nil)
        #expect(v.issues.first?.field == "spec.clusterIP")
        #expect(v.issues.first?.description.contains("Service ns/a") == true)
    }

    @Test func badPortsAndProtocolsAreErrors() {
        #expect(errors(K.service("ns", "a", clusterIP: "172.30.0.1", ports: [K.port("p", 0)])).first?.field == "spec.ports[0].port")
        #expect(errors(K.service("ns", "a", clusterIP: "172.30.0.1", ports: [K.port("p", 70000)])).count == 1)
        #expect(errors(K.service("ns", "a", clusterIP: "172.30.0.1", ports: [K.port("p", 80, "ICMP")])).first?.field
                == "spec.ports[0].protocol")
        let dup = K.service("ns", "a", clusterIP: "172.30.0.1", ports: [K.port("p", 80), K.port("p", 81)])
        #expect(errors(dup).first?.message.contains("duplicate") == true)
        #expect(dup.validate().model == nil)
        let dup2 = K.service("ns", "a", clusterIP: "172.30.0.1", ports: [K.port("a", 80), K.port("b", 80)])
        #expect(errors(dup2).first?.message.contains("duplicate port 80/TCP") == true)
        let ok = K.service("ns", "a", clusterIP: "172.30.0.1", ports: [K.port("a", 53, "UDP"), K.port("b", 53, "TCP")])
        #expect(ok.validate().model?.ports.count == 2)
    }

    /// An address the API server would refuse anywhere in a Service skips the whole Service:
    /// no rule is derived from an object that could never have come from an API server.
    @Test func badOptionalAddressesSkipTheService() {
        for (ext, lb, ranges, field) in [
            (["not-an-ip"], [String](), [String](), "spec.externalIPs[0]"),
            (["127.0.0.1"], [], [], "spec.externalIPs[0]"),
            ([], ["5.6.7"], [], "status.loadBalancer.ingress[0].ip"),
            ([], [], ["10.0.0.0/33"], "spec.loadBalancerSourceRanges[0]"),
            ([], [], ["1.2.3.4"], "spec.loadBalancerSourceRanges[0]"),
        ] {
            let s = K.service("ns", "a", type: "LoadBalancer", clusterIP: "172.30.0.1", ports: [K.port("p", 80, nodePort: 30001)],
                              externalIPs: ext, lbIPs: lb, sourceRanges: ranges)
            let v = s.validate()
            #expect(v.model == nil)
            #expect(v.issues.map(\.field) == [field])
        }
        let ok = K.service("ns", "a", type: "LoadBalancer", clusterIP: "172.30.0.1", ports: [K.port("p", 80, nodePort: 30001)],
                           externalIPs: ["1.2.3.4"], lbIPs: ["5.6.7.8"], sourceRanges: [" 10.0.0.0/8", "10.1.2.3/16"])
        #expect(ok.validate().model?.loadBalancerSourceRanges == [CIDR("10.0.0.0/8")!, CIDR("10.1.0.0/16")!])
        #expect(ok.validate().issues.isEmpty)
    }

    /// Only VIP-mode ingress IPs are programmed (ipMode Proxy is left to the load balancer).
    @Test func proxyModeIngressIsIgnored() {
        var s = K.service("ns", "a", type: "LoadBalancer", clusterIP: "172.30.0.1", ports: [K.port("p", 80, nodePort: 30001)])
        s.status = .init(loadBalancer: .init(ingress: [.init(ip: "5.6.7.8", ipMode: "Proxy"), .init(ip: "5.6.7.9", ipMode: "VIP"),
                                                       .init(hostname: "lb.example.com")]))
        #expect(s.validate().model?.loadBalancerIPs == [IPAddress("5.6.7.9")!])
    }

    @Test func headlessAndExternalNameAreSkippedSilently() {
        #expect(K.service("ns", "h", clusterIP: "None", ports: [K.port("p", 80)]).validate().model == nil)
        #expect(K.service("ns", "h", clusterIP: "None", ports: [K.port("p", 80)]).validate().issues.isEmpty)
        let en = K.service("ns", "e", type: "ExternalName", clusterIP: "", ports: [])
        #expect(en.validate().model == nil && en.validate().issues.isEmpty)
        #expect(!errors(K.service("ns", "x", type: "Bogus", clusterIP: "172.30.0.1", ports: [])).isEmpty)
    }

    /// kube-proxy ignores a slice without its service label; the API server accepts it, so it is a warning.
    @Test func sliceWithoutServiceLabelIsIgnored() {
        var s = K.slice("ns", "svc", endpoints: [K.ep("10.0.0.1")], ports: [K.sport("p", 80)])
        s.metadata.labels = [:]
        let v = s.validate()
        #expect(v.model == nil)
        #expect(v.issues.map(\.severity) == [.warning])
        #expect(v.issues.first?.message.contains("kubernetes.io/service-name") == true)
    }

    /// Any endpoint or port the API server would refuse skips the whole slice.
    @Test func badEndpointsAndPortsSkipTheSlice() {
        let cases: [([EndpointSlice.Endpoint], [EndpointSlice.Port], String)] = [
            ([K.ep("10.0.0.x")], [K.sport("p", 80)], "endpoints[0].addresses[0]"),
            ([K.ep("2001:db8::1")], [K.sport("p", 80)], "endpoints[0].addresses[0]"),
            ([K.ep("::ffff:10.0.0.1")], [K.sport("p", 80)], ""),
            ([K.ep("127.0.0.1")], [K.sport("p", 80)], "endpoints[0].addresses[0]"),
            ([K.ep("169.254.1.1")], [K.sport("p", 80)], "endpoints[0].addresses[0]"),
            ([K.ep("10.0.0.1")], [K.sport("p", 70000)], "ports[0].port"),
            ([K.ep("10.0.0.1")], [K.sport("p", 80, "XTP")], "ports[0].protocol"),
            ([K.ep("10.0.0.1")], [K.sport("p", 80), K.sport("p", 81, "UDP")], "ports[1].name"),
            ([K.ep("10.0.0.1")], [K.sport("P", 80)], "ports[0].name"),
        ]
        for (eps, ports, field) in cases {
            let v = K.slice("ns", "svc", endpoints: eps, ports: ports).validate()
            if field.isEmpty {
                #expect(v.model?.endpoints.map { "\($0.address)" } == ["10.0.0.1"])
            } else {
                #expect(v.model == nil, "\(field)")
                #expect(v.issues.map(\.field) == [field])
            }
        }
    }

    /// A port without a number is valid (it matches nothing) and kube-proxy skips it.
    @Test func numberlessPortIsLeftOut() {
        let v = K.slice("ns", "svc", endpoints: [K.ep("10.0.0.1")], ports: [K.sport("p", 80), K.sport("q", 0)]).validate()
        #expect(v.model?.ports.map(\.name) == ["p"])
        #expect(v.issues.isEmpty)
    }

    /// Valid objects still count when others are broken (kube-proxy skips the invalid ones).
    @Test func validObjectsStillCount() {
        let good = K.service("ns", "good", clusterIP: "172.30.0.1", ports: [K.port("p", 80)])
        let bad = K.service("ns", "bad", clusterIP: "bogus", ports: [K.port("p", 80)])
        let (state, issues) = ClusterState.validating(
            services: [bad, good], slices: [K.slice("ns", "good", endpoints: [K.ep("10.0.0.1")], ports: [K.sport("p", 80)])])
        #expect(state.services.map(\.name.name) == ["good"])
        #expect(issues.count == 1)
        let rs = DesiredState.compute(state, settings: K.fakeIPv4)
        #expect(K.lines(rs, .nat, "KUBE-SERVICES").first?.contains("ns/good:p cluster IP") == true)
    }
}
