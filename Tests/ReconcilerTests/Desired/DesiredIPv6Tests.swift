import Reconciler
import Testing

/// IPv6 (no upstream full-text oracle exists): checked against proxier.go's IPv6 branches.
@Suite struct DesiredIPv6Tests {
    @Test func ipv6ServiceRules() throws {
        let svc = K.service("ns1", "svc1", type: "NodePort", clusterIP: "fd00:30::41", ports: [K.port("p80", 80, nodePort: 3001)])
        let eps = K.slice("ns1", "svc1", family: "IPv6", endpoints: [K.ep("fd00:10::1")], ports: [K.sport("p80", 80)])
        let none = K.service("ns2", "svc2", clusterIP: "fd00:30::42", ports: [K.port("p80", 80)])
        let v4 = K.service("ns3", "svc3", clusterIP: "172.30.0.43", ports: [K.port("p80", 80)])
        let rs = DesiredState.compute(K.state([svc, none, v4], [eps]), settings: K.fakeIPv6)
        let spn = "ns1/svc1:p80"
        let svcChain = KubeChains.clusterPolicy(spn, "tcp")
        let sep = KubeChains.endpoint(spn, "tcp", "[fd00:10::1]:80")
        #expect(K.lines(rs, .nat, "KUBE-SERVICES") == [
            "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d fd00:30::41 --dport 80 -j \(svcChain)",
            "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL ! -d ::1/128 -j KUBE-NODEPORTS",
        ])
        #expect(K.lines(rs, .nat, "KUBE-NODEPORTS").count == 1)
        #expect(K.lines(rs, .nat, svcChain)[0].hasSuffix("--dport 80 ! -s fd00:10::/64 -j KUBE-MARK-MASQ"))
        #expect(K.lines(rs, .nat, sep) == [
            "-A \(sep) -m comment --comment ns1/svc1:p80 -s fd00:10::1 -j KUBE-MARK-MASQ",
            "-A \(sep) -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination [fd00:10::1]:80",
        ])
        #expect(K.lines(rs, .filter, "KUBE-SERVICES") == [
            "-A KUBE-SERVICES -m comment --comment \"ns2/svc2:p80 has no endpoints\" -m tcp -p tcp -d fd00:30::42 --dport 80 -j REJECT",
        ])
        let text = K.writer.render(rs)
        #expect(!text.contains("KUBE-FIREWALL"))
        #expect(!text.contains("172.30.0.43"))
        #expect(rs[table: .filter]![chain: "KUBE-SERVICES"]!.rules[0].target == .reject(RejectTarget(with: "icmp6-port-unreachable")))
    }
}

@Suite struct DesiredDualStackTests {
    /// Each family's proxier takes its own cluster IP, external IPs, LB IPs and source ranges.
    @Test func dualStackServiceSplitsByFamily() {
        var svc = K.service("ns", "ds", type: "LoadBalancer", clusterIP: "172.30.0.5",
                            ports: [K.port("p", 80, nodePort: 30005)], externalIPs: ["1.2.3.4", "2001:db8::99"],
                            lbIPs: ["5.6.7.8", "2001:db8::88"], sourceRanges: ["203.0.113.0/24", "2001:db8:f::/48"])
        svc.spec.clusterIPs = ["172.30.0.5", "fd00:30::5"]
        let v4 = K.slice("ns", "ds", "ds-v4", endpoints: [K.ep("10.0.0.5")], ports: [K.sport("p", 80)])
        let v6 = K.slice("ns", "ds", "ds-v6", family: "IPv6", endpoints: [K.ep("fd00:10::5")], ports: [K.sport("p", 80)])
        let state = K.state([svc], [v4, v6])
        let r4 = DesiredState.compute(state, settings: K.fakeIPv4)
        let r6 = DesiredState.compute(state, settings: K.fakeIPv6)
        let t4 = K.writer.render(r4), t6 = K.writer.render(r6)
        for s in ["172.30.0.5", "1.2.3.4", "5.6.7.8", "203.0.113.0/24", "10.0.0.5:80"] { #expect(t4.contains(s) && !t6.contains(s), "\(s)") }
        for s in ["fd00:30::5", "2001:db8::99", "2001:db8::88", "2001:db8:f::/48", "[fd00:10::5]:80"] { #expect(t6.contains(s) && !t4.contains(s), "\(s)") }
    }
}
