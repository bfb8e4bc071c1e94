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

    /// kube-proxy drops bad external IPs / ingress IPs / source ranges and keeps the service.
    @Test func badOptionalAddressesAreWarnings() {
        let s = K.service("ns", "a", type: "LoadBalancer", clusterIP: "172.30.0.1", ports: [K.port("p", 80, nodePort: 30001)],
                          externalIPs: ["1.2.3.4", "not-an-ip"], lbIPs: ["5.6.7.8", "5.6.7"],
                          sourceRanges: [" 10.0.0.0/8", "10.0.0.0/33", "1.2.3.4"])
        let v = s.validate()
        #expect(v.model?.externalIPs == [IPAddress("1.2.3.4")!])
        #expect(v.model?.loadBalancerIPs == [IPAddress("5.6.7.8")!])
        #expect(v.model?.loadBalancerSourceRanges == [CIDR("10.0.0.0/8")!])
        #expect(v.issues.count == 4)
        #expect(v.issues.allSatisfy { $0.severity == .warning })
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

    @Test func sliceWithoutServiceLabelIsRejected() {
        var s = K.slice("ns", "svc", endpoints: [K.ep("10.0.0.1")], ports: [K.sport("p", 80)])
        s.metadata.labels = [:]
        let v = s.validate()
        #expect(v.model == nil)
        #expect(v.issues.first?.message.contains("kubernetes.io/service-name") == true)
    }

    @Test func badEndpointsAndPortsAreDroppedNotFatal() {
        let s = K.slice("ns", "svc", endpoints: [K.ep("10.0.0.1"), K.ep("10.0.0.x"), K.ep("2001:db8::1")],
                        ports: [K.sport("p", 80), K.sport("q", 0), K.sport("r", 80, "XTP"), K.sport("p", 81)])
        let v = s.validate()
        #expect(v.model?.endpoints.map { "\($0.address)" } == ["10.0.0.1"])
        #expect(v.model?.ports.map(\.name) == ["p"])
        #expect(v.issues.count == 5)
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
