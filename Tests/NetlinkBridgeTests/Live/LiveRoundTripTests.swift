import Foundation
import Testing
import Reconciler
@testable import NetlinkBridge

/// Live parity with iptables-nft, each case in fresh namespaces: our dump equals iptables-save;
/// our restore then iptables-save equals iptables-restore's result; and the expressions we
/// write equal the ones iptables-nft wrote.
@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveRoundTripTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String; var text: String; var family: NftFamily
        var description: String { name }
    }

    static func cases() -> [Case] {
        var out: [Case] = []
        let fixtures = GoldenFile.directory.deletingLastPathComponent()
        for dir in ["netlink/inputs", "real-dumps"] {
            let url = fixtures.appendingPathComponent(dir)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            for f in files.sorted() where f.hasSuffix("tables") {
                guard var text = try? String(contentsOf: url.appendingPathComponent(f), encoding: .utf8) else { continue }
                // 06 separates lines with CR+space (README: a tolerance case); restore tools need LF.
                if text.contains("\r ") { text = text.replacing("\r\n", with: "\n").replacing("\r ", with: "\n") }
                let v6 = f.hasSuffix(".ip6tables") || f.contains("ip6tables")
                out.append(Case(name: "\(dir)/\(f)", text: text, family: v6 ? .ipv6 : .ipv4))
            }
        }
        out.append(Case(name: "generated 100 services", text: KubeStyleRuleset.nat(services: 100), family: .ipv4))
        return out
    }

    static func normalized(_ save: String) -> String {
        save.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.replacing(/\[\d+:\d+\]$/, with: "[0:0]") }.joined(separator: "\n")
    }

    static func load(_ c: Case, into ns: TestNetns) throws -> Bool {
        let client = try NftClient(netns: ns.name)
        for name in GoldenCaptureTests.nfacctObjects { try Nfacct.ensure(name, connection: client.connection) }
        try TestIpsets.create(for: c.text, family: c.family, in: ns)
        let tool = c.family == .ipv6 ? "ip6tables-restore" : "iptables-restore"
        let r: (status: Int32, out: String, err: String) = try ns.exec([tool], input: c.text)
        return r.status == 0
    }

    @Test(arguments: cases())
    func dumpRestoreAndExpressionsMatchIptables(_ c: Case) throws {
        let theirs = try TestNetns()
        // A dump iptables-restore refuses is a failure, not a silent pass.
        try #require(try Self.load(c, into: theirs), "\(c.name): iptables-restore refuses it on this kernel")
        let saveTool = c.family == .ipv6 ? "ip6tables-save" : "iptables-save"
        let saved: String = try theirs.exec([saveTool])
        // 1. Our dump equals iptables-save.
        let theirClient = try NftClient(netns: theirs.name)
        let tables = try TableReader.read(theirClient, family: c.family)
        let dumped = tables.map { SaveRenderer.render($0.table, family: c.family.ipFamily) }.joined()
        #expect(Self.normalized(dumped) == Self.normalized(saved), "dump of \(c.name)")
        #expect(tables.allSatisfy { $0.opaqueRules.isEmpty }, "opaque rules in \(c.name)")

        // 2. Our restore gives what iptables-restore gave.
        let ours = try TestNetns()
        let ourClient = try NftClient(netns: ours.name)
        for name in GoldenCaptureTests.nfacctObjects { try Nfacct.ensure(name, connection: ourClient.connection) }
        try TestIpsets.create(for: c.text, family: c.family, in: ours)
        let script = try RestoreParser.parse(c.text, family: c.family.ipFamily)
        _ = try TestRestore.run(script, client: ourClient)
        let ourSave: String = try ours.exec([saveTool])
        #expect(Self.normalized(ourSave) == Self.normalized(saved), "restore of \(c.name)")

        // 3. The expressions we wrote equal iptables-nft's, rule by rule.
        let ourTables = try TableReader.read(ourClient, family: c.family)
        for t in tables {
            for chain in t.table.chains {
                let a = try theirClient.rules(family: c.family, table: t.table.name.rawValue, chain: chain.name)
                let b = try ourClient.rules(family: c.family, table: t.table.name.rawValue, chain: chain.name)
                #expect(a.count == b.count, "\(c.name) \(t.table.name) \(chain.name): \(a.count) vs \(b.count) rules")
                for (x, y) in zip(a, b) where KnownGaps.normalize(x.expressions) != KnownGaps.normalize(y.expressions) {
                    Issue.record("\(c.name) \(t.table.name) \(chain.name): iptables wrote \(x.expressions), we wrote \(y.expressions)")
                    break
                }
            }
        }
        #expect(ourTables.map(\.table) == tables.map(\.table))
    }
}
