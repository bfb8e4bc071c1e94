import Testing
@testable import Reconciler

/// Which UDP endpoints lose their rules (their conntrack entries are deleted after the commit).
@Suite struct StaleUDPEndpointsTests {
    func ruleset(_ seps: [String: [String]]) -> Ruleset {
        let chains = seps.map { name, rules in Chain(name: name, rules: rules.map { RandomRulesets.rule($0) }) }
        return Ruleset(family: .ipv4, tables: [Table(name: .nat, chains: chains)])
    }

    @Test func onlyUDPTargetsThatAreGoneEverywhere() {
        let live = ruleset([
            "KUBE-SEP-A": ["-s 10.1.0.1/32 -j KUBE-MARK-MASQ", "-p udp -m udp -j DNAT --to-destination 10.1.0.1:53"],
            "KUBE-SEP-B": ["-p udp -m udp -j DNAT --to-destination 10.1.0.2:53"],
            "KUBE-SEP-C": ["-p tcp -m tcp -j DNAT --to-destination 10.1.0.3:80"],
            "KUBE-SEP-D": ["-p udp -m udp -j DNAT --to-destination 10.1.0.4:53"],
        ])
        // B moved to another SEP chain (another service uses the same endpoint): not stale.
        let desired = ruleset([
            "KUBE-SEP-D": ["-p udp -m udp -j DNAT --to-destination 10.1.0.4:53"],
            "KUBE-SEP-E": ["-p udp -m udp -j DNAT --to-destination 10.1.0.2:53"],
        ])
        #expect(StaleUDPEndpoints.between(live: live, desired: desired)
                == [UDPEndpoint(address: IPAddress("10.1.0.1")!, port: 53)])
        #expect(StaleUDPEndpoints.between(live: desired, desired: desired).isEmpty)
    }
}
