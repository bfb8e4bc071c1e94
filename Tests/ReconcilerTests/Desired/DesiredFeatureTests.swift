import Reconciler
import Testing

/// Features without an upstream full-text oracle, checked line by line against proxier.go's templates.
@Suite struct DesiredFeatureTests {
    let svc1 = K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 80)])
    let eps1 = K.slice("ns1", "svc1", endpoints: [K.ep("10.180.0.1")], ports: [K.sport("p80", 80)])

    func compute(_ s: ProxySettings, _ svcs: [Service]? = nil, _ slices: [EndpointSlice]? = nil) -> Ruleset {
        DesiredState.compute(K.state(svcs ?? [svc1], slices ?? [eps1]), settings: s)
    }

    @Test func masqueradeAllMarksEveryClusterIPPacket() {
        var s = K.fakeIPv4
        s.masqueradeAll = true
        let svc = K.lines(compute(s), .nat, "KUBE-SVC-XPGD46QRK7WJZT7O")
        #expect(svc.first == "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-MARK-MASQ")
    }

    @Test(arguments: [
        (LocalTrafficDetector.bridgeInterface("cbr0"), "! -i cbr0"),
        (LocalTrafficDetector.interfaceNamePrefix("veth"), "! -i veth+"),
        (LocalTrafficDetector.cidr(CIDR("10.244.1.0/24")!), "! -s 10.244.1.0/24"),
    ]) func localDetectors(_ d: LocalTrafficDetector, _ text: String) {
        var s = K.fakeIPv4
        s.localDetector = d
        let svc = K.lines(compute(s), .nat, "KUBE-SVC-XPGD46QRK7WJZT7O")
        #expect(svc.first == "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 \(text) -j KUBE-MARK-MASQ")
    }

    @Test func noDetectorNoMasqueradeRule() {
        var s = K.fakeIPv4
        s.localDetector = .none
        #expect(K.lines(compute(s), .nat, "KUBE-SVC-XPGD46QRK7WJZT7O").count == 1)
    }

    @Test func nodePortAddressesGiveOneTailRulePerNodeIP() {
        var s = K.fakeIPv4
        s.nodeIPs = ["192.168.0.2", "192.168.1.2", "10.1.0.5", "127.0.0.1"].map { IPAddress($0)! }
        s.nodePortAddresses = ["192.168.0.0/16", "2001:db8::/64"]
        let rs = compute(s)
        let tail = K.lines(rs, .nat, "KUBE-SERVICES").filter { $0.contains("must be the last rule") }
        #expect(tail == [
            "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -d 192.168.0.2 -j KUBE-NODEPORTS",
            "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -d 192.168.1.2 -j KUBE-NODEPORTS",
        ])
        #expect(K.lines(rs, .filter, "KUBE-FIREWALL").isEmpty)
    }

    @Test func localhostNodePortsOffExcludesLoopback() {
        var s = K.fakeIPv4
        s.localhostNodePorts = false
        let tail = K.lines(compute(s), .nat, "KUBE-SERVICES").last!
        #expect(tail.hasSuffix("-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS"))
    }

    @Test func internalTrafficPolicyLocalWithoutLocalEndpointsDrops() {
        let svc = K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 80)], iTP: "Local")
        let rs = compute(K.fakeIPv4, [svc])
        #expect(K.lines(rs, .filter, "KUBE-SERVICES") == [
            "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 has no local endpoints\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j DROP",
        ])
        let local = K.slice("ns1", "svc1", endpoints: [K.ep("10.180.0.1", node: "test-node")], ports: [K.sport("p80", 80)])
        let rs2 = compute(K.fakeIPv4, [svc], [local])
        #expect(K.lines(rs2, .nat, "KUBE-SERVICES").first?.hasSuffix("-j KUBE-SVL-XPGD46QRK7WJZT7O") == true)
        #expect(K.lines(rs2, .nat, "KUBE-SVL-XPGD46QRK7WJZT7O").count == 2)
    }

    @Test func udpAndProbabilitiesAreWrittenLikeKubeProxy() {
        let svc = K.service("ns", "dns", clusterIP: "172.30.0.10", ports: [K.port("dns", 53, "UDP")])
        let eps = K.slice("ns", "dns", endpoints: ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map { K.ep($0) },
                          ports: [K.sport("dns", 53, "UDP")])
        let rs = compute(K.fakeIPv4, [svc], [eps])
        let chain = KubeChains.clusterPolicy("ns/dns:dns", "udp")
        let lines = K.lines(rs, .nat, chain)
        #expect(lines[1].contains("-m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-"))
        #expect(lines[2].contains("-m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-"))
        #expect(!lines[3].contains("statistic"))
        let sep = KubeChains.endpoint("ns/dns:dns", "udp", "10.0.0.1:53")
        #expect(K.lines(rs, .nat, sep)[1] == "-A \(sep) -m comment --comment ns/dns:dns -m udp -p udp -j DNAT --to-destination 10.0.0.1:53")
    }

    @Test func kubeProxyMarkSpelling() {
        let rs = compute(K.fakeIPv4)
        let w = KubeProxyTextWriter()
        let mm = rs[table: .nat]![chain: "KUBE-MARK-MASQ"]!.rules[0]
        #expect(w.ruleLine(chain: "KUBE-MARK-MASQ", mm, family: .ipv4) == "-A KUBE-MARK-MASQ -j MARK --or-mark 0x004000")
    }

    @Test func jumpRulesInBuiltinChains() {
        let rs = compute(K.fakeIPv4)
        #expect(K.lines(rs, .filter, "INPUT") == [
            "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
            "-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS",
            "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES",
            "-A INPUT -j KUBE-FIREWALL",
        ])
        #expect(K.lines(rs, .nat, "POSTROUTING") == ["-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"])
        #expect(!K.writer.render(rs).contains("-A INPUT"))
    }
}
