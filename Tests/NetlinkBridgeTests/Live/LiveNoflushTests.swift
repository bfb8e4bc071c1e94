import Testing
import Reconciler
@testable import NetlinkBridge
import NetlinkBridgeTesting

@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveNoflushTests {
    static let base = """
    *filter
    :INPUT ACCEPT [0:0]
    :FORWARD ACCEPT [0:0]
    :OUTPUT ACCEPT [0:0]
    :DOCKER - [0:0]
    :KUBE-SERVICES - [0:0]
    :KUBE-OLD - [0:0]
    -A INPUT -j KUBE-SERVICES
    -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
    -A KUBE-SERVICES -d 172.30.0.1/32 -p tcp -m tcp --dport 443 -j REJECT --reject-with icmp-port-unreachable
    -A KUBE-OLD -j RETURN
    COMMIT

    """
    static let change = """
    *filter
    :FORWARD DROP [0:0]
    :KUBE-SERVICES - [0:0]
    :KUBE-NEW - [0:0]
    -A KUBE-SERVICES -d 172.30.0.2/32 -p tcp -m comment --comment "ns/svc:https has no endpoints" -m tcp --dport 443 -j REJECT --reject-with icmp-port-unreachable
    -A KUBE-NEW -j RETURN
    -F KUBE-OLD
    -X KUBE-OLD
    -I INPUT 1 -j KUBE-NEW
    COMMIT

    """

    @Test func noflushRestoreMatchesIptablesRestoreNoflush() throws {
        let theirs = try TestNetns(), ours = try TestNetns()
        for ns in [theirs, ours] { _ = try ns.exec(["iptables-restore"], input: Self.base) as String }
        _ = try theirs.exec(["iptables-restore", "--noflush"], input: Self.change) as String
        let client = try NftClient(netns: ours.name)
        let dockerBefore = try client.rules(family: .ipv4, table: "filter", chain: "DOCKER").map(\.handle)
        let script = try RestoreParser.parse(Self.change)
        let preview = try TestRestore.run(script, client: client, noflush: true, dryRun: true)
        #expect(!preview.plan.operations.contains { $0.location.chain == "DOCKER" }, "untouched chains are not rewritten")
        #expect(try TestRestore.run(script, client: client, noflush: true).applied)
        let a: String = try theirs.exec(["iptables-save"]), b: String = try ours.exec(["iptables-save"])
        #expect(LiveRoundTripTests.normalized(a) == LiveRoundTripTests.normalized(b))
        #expect(try client.rules(family: .ipv4, table: "filter", chain: "DOCKER").map(\.handle) == dockerBefore)
    }

    @Test func stalePlanIsRefusedWithGenerationChanged() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let client = try NftClient(netns: ns.name)
        let observed = try NetlinkBackend(client: client).observe(family: .ipv4, tables: [.filter])
        let plan = try ScriptPlanner.plan(try RestoreParser.parse(Self.change), observed: observed, noflush: true)
        let batch = try PlanTranslator.batch(plan)
        _ = try ns.exec(["iptables", "-A", "DOCKER", "-j", "RETURN"]) as String
        let before: String = try ns.exec(["iptables-save"])
        #expect(throws: NftError.generationChanged(planned: observed.generation)) { try client.commit(batch) }
        let after: String = try ns.exec(["iptables-save"])
        #expect(LiveRoundTripTests.normalized(after) == LiveRoundTripTests.normalized(before))
    }
}
