import NetlinkBridgeTesting
import Testing
@testable import NetlinkBridge

/// A real socket that runs a hook once, right after the first reply datagram of a multipart dump
/// arrived: used to change the ruleset in the middle of a dump.
final class InterposingExchange: MessageExchange {
    let inner: NetlinkSocket
    var hook: (() throws -> Void)?
    init(_ inner: NetlinkSocket, hook: @escaping () throws -> Void) { self.inner = inner; self.hook = hook }
    var portID: UInt32 { inner.portID }
    func send(_ messages: [NetlinkMessage]) throws { try inner.send(messages) }
    func receive(wait: Bool) throws -> [NetlinkMessage]? {
        let r = try inner.receive(wait: wait)
        if let h = hook, let r, r.contains(where: { $0.flags & NetlinkMessage.multi != 0 && $0.type != NetlinkMessage.done }) {
            hook = nil
            try h()
        }
        return r
    }
}

@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveInterruptedDumpTests {
    @Test func dumpInterruptedByACommitIsRedone() throws {
        let ns = try TestNetns()
        var text = "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n"
        for i in 0..<400 {
            text += "-A KUBE-SERVICES -d 172.30.\(i / 250).\(i % 250 + 1)/32 -p tcp -m comment --comment \"ns/svc\(i):p80 cluster IP\" -m tcp --dport 80 -j RETURN\n"
        }
        _ = try ns.exec(["iptables-restore"], input: text + "COMMIT\n") as String
        let other = try NftClient(netns: ns.name)
        let exchange = InterposingExchange(try NetlinkSocket(netns: ns.name)) {
            try other.commit(NftBatch(family: .ipv4, operations: [.addChain(table: "nat", chain: "CONCURRENT")]))
        }
        let client = NftClient(exchange: exchange)
        let rules = try client.rules(family: .ipv4, table: "nat", chain: "KUBE-SERVICES")
        #expect(rules.count == 400)
        #expect(client.connection.redumps == 1, "the kernel flagged the dump NLM_F_DUMP_INTR and it was redone")
        #expect(try client.chains(family: .ipv4, table: "nat").contains { $0.name == "CONCURRENT" })
    }
}
