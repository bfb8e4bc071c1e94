import Testing
@testable import Reconciler

/// The stale-UDP rule (kube-proxy's `CleanStaleEntries`) read from programmed rules.
@Suite struct UDPServiceTargetsTests {
    typealias A = UDPServiceTargets.Address

    static let nat: Ruleset = {
        func chain(_ name: String, _ rules: [String]) -> Chain { Chain(name: name, rules: rules.map { RandomRulesets.rule($0) }) }
        return Ruleset(family: .ipv4, tables: [Table(name: .nat, chains: [
            chain("KUBE-SERVICES", ["-d 172.30.0.10/32 -p udp -m udp --dport 53 -j KUBE-SVC-A",
                                    "-d 172.30.0.20/32 -p udp -m udp --dport 53 -j KUBE-SVC-B",
                                    "-d 172.30.0.30/32 -p tcp -m tcp --dport 53 -j KUBE-SVC-C"]),
            chain("KUBE-NODEPORTS", ["-p udp -m udp --dport 30053 -j KUBE-EXT-A"]),
            chain("KUBE-EXT-A", ["-j KUBE-SVC-A"]),
            chain("KUBE-SVC-A", ["-m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-1", "-j KUBE-SEP-2"]),
            chain("KUBE-SEP-1", ["-p udp -m udp -j DNAT --to-destination 10.1.0.1:5353"]),
            chain("KUBE-SEP-2", ["-p udp -m udp -j DNAT --to-destination 10.1.0.2:5353"]),
            chain("KUBE-SVC-B", []),
            chain("KUBE-SVC-C", ["-j KUBE-SEP-3"]),
            chain("KUBE-SEP-3", ["-p tcp -m tcp -j DNAT --to-destination 10.1.0.3:53"]),
        ])])
    }()

    @Test func targetsAreUDPServicesWithEndpoints() {
        let targets = UDPServiceTargets(Self.nat)
        let eps: Set<A> = [A(ip: IPAddress("10.1.0.1")!, port: 5353), A(ip: IPAddress("10.1.0.2")!, port: 5353)]
        #expect(targets.services == [A(ip: IPAddress("172.30.0.10")!, port: 53): eps], "TCP and endpoint-less services are not targets")
        #expect(targets.nodePorts == [30053: eps])
    }

    @Test func staleFlowsAreAnsweredByWhatIsNoLongerAnEndpoint() {
        let targets = UDPServiceTargets(Self.nat)
        func flow(_ dst: String, _ dport: UInt16, reply: String, _ rport: UInt16) -> UDPServiceTargets.Flow {
            .init(destination: A(ip: IPAddress(dst)!, port: dport), replySource: A(ip: IPAddress(reply)!, port: rport))
        }
        #expect(!targets.isStale(flow("172.30.0.10", 53, reply: "10.1.0.1", 5353)), "a live endpoint")
        #expect(targets.isStale(flow("172.30.0.10", 53, reply: "10.1.0.9", 5353)), "a gone endpoint")
        #expect(targets.isStale(flow("172.30.0.10", 53, reply: "172.30.0.10", 53)), "black-holed before the first endpoint")
        #expect(targets.isStale(flow("192.168.0.2", 30053, reply: "10.1.0.9", 5353)), "a node port, gone endpoint")
        #expect(!targets.isStale(flow("172.30.0.20", 53, reply: "172.30.0.20", 53)), "no endpoints yet: nothing to go to")
        #expect(!targets.isStale(flow("8.8.8.8", 53, reply: "8.8.8.8", 53)), "not a service")
    }
}
