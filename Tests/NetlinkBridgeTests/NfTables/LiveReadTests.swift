import NetlinkBridgeTesting
import Testing
@testable import NetlinkBridge

@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveReadTests {
    @Test func readsChainsAndRulesLoadedByIptablesRestore() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: """
        *nat
        :PREROUTING ACCEPT [0:0]
        :KUBE-SERVICES - [0:0]
        :KUBE-MARK-MASQ - [0:0]
        -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
        -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
        COMMIT

        """) as String
        let client = try NftClient(netns: ns.name)
        let snap = try #require(try client.snapshot(family: .ipv4, table: "nat"))
        #expect(snap.chains.contains { $0.name == "PREROUTING" && $0.isBase && $0.policy == 1 })
        #expect(snap.chains.contains { $0.name == "KUBE-SERVICES" && !$0.isBase })
        let svc = try #require(snap.rules["KUBE-SERVICES"])
        #expect(svc.count == 1)
        for e in svc[0].expressions { print(e) }
        #expect(svc[0].expressions.contains { if case .counter = $0 { true } else { false } })
        #expect(try client.generation() == snap.generation)
    }
}
