import Testing
import Reconciler
@testable import NetlinkBridge

/// ipset's getsockopt protocol against the real kernel, each case in fresh namespaces.
@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveIpsetTests {
    @Test func namesAndIndicesResolveInTheSocketsOwnNamespace() throws {
        let a = try TestNetns(), b = try TestNetns()
        _ = try a.exec(["ipset", "create", "kpx-one", "hash:net"]) as String
        _ = try a.exec(["ipset", "create", "kpx-two", "hash:net,port"]) as String
        _ = try b.exec(["ipset", "create", "kpx-two", "hash:net"]) as String
        let inA = try IpsetSocket(netns: a.name), inB = try IpsetSocket(netns: b.name)
        #expect(try inA.find(name: "kpx-one") == IpsetRef(index: 0, family: NftFamily.ipv4.rawValue))
        #expect(try inA.find(name: "kpx-two")?.index == 1)
        #expect(try inA.name(index: 1) == "kpx-two" && inA.name(index: 2) == nil && inA.name(index: 60000) == nil)
        #expect(try inB.find(name: "kpx-one") == nil && inB.find(name: "kpx-two")?.index == 0)
        #expect(try inA.protocolVersion() >= 6)
    }

    @Test func setRulesWrittenByUsReadBackAndMatchIptables() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["ipset", "create", "kpx-a", "hash:net"]) as String
        _ = try ns.exec(["ipset", "create", "kpx-b", "hash:net,port"]) as String
        let text = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A INPUT -p tcp -m set ! --match-set kpx-b dst,dst -m tcp --dport 80 -j DROP
        -A INPUT -m set --match-set kpx-a src --return-nomatch -j ACCEPT
        COMMIT

        """
        let client = try NftClient(netns: ns.name)
        let script = try RestoreParser.parse(text, family: .ipv4)
        _ = try TestRestore.run(script, client: client)
        let saved: String = try ns.exec(["iptables-save", "-t", "filter"])
        #expect(saved.contains("-A INPUT -p tcp -m set ! --match-set kpx-b dst,dst -m tcp --dport 80 -j DROP"))
        #expect(saved.contains("-A INPUT -m set --match-set kpx-a src --return-nomatch -j ACCEPT"))
        let tables = try TableReader.read(client, family: .ipv4, only: [.filter])
        #expect(tables.allSatisfy { $0.opaqueRules.isEmpty })

        // A rule naming an IPv6 set is refused (as iptables-restore refuses it).
        _ = try ns.exec(["ipset", "create", "kpx-v6", "hash:net", "family", "inet6"]) as String
        let v6 = try RestoreParser.parse(text.replacing("kpx-a", with: "kpx-v6"), family: .ipv4)
        #expect(throws: ReconcileError.self) { try TestRestore.run(v6, client: client) }

        // A rule naming a set that does not exist is refused before anything is sent.
        let bad = try RestoreParser.parse(text.replacing("kpx-a", with: "kpx-missing"), family: .ipv4)
        #expect(throws: ReconcileError.self) { try TestRestore.run(bad, client: client) }
        let after: String = try ns.exec(["iptables-save", "-t", "filter"])
        #expect(LiveRoundTripTests.normalized(after) == LiveRoundTripTests.normalized(saved))
    }
}
