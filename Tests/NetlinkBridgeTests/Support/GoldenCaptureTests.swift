import NetlinkBridgeTesting
import Foundation
import Testing
@testable import NetlinkBridge

/// Loads each Tests/Fixtures/netlink/inputs/* file with the real iptables-nft in a fresh namespace
/// and records what the kernel holds: checks that today's iptables-nft still writes exactly the
/// committed golden bytes (comment lines aside), or, with KPX_CAPTURE_GOLDEN=1, rewrites them.
@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct GoldenCaptureTests {
    static let nfacctObjects = ["localhost_nps_accepted_pkts", "ct_state_invalid_dropped_pkts"]

    @Test func captureGoldenFiles() throws {
        let inputs = GoldenFile.directory.appendingPathComponent("inputs")
        for file in try FileManager.default.contentsOfDirectory(atPath: inputs.path).sorted() {
            let text = try String(contentsOf: inputs.appendingPathComponent(file), encoding: .utf8)
            let v6 = file.hasSuffix(".ip6tables")
            let golden = try capture(input: text, inputName: file, family: v6 ? .ipv6 : .ipv4)
            let out = GoldenFile.directory.appendingPathComponent(
                (file as NSString).deletingPathExtension + ".golden")
            if ProcessInfo.processInfo.environment["KPX_CAPTURE_GOLDEN"] == "1" {
                try golden.write(to: out, atomically: true, encoding: .utf8)
            } else {
                func body(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.hasPrefix("#") } }
                let committed = try String(contentsOf: out, encoding: .utf8)
                #expect(body(golden) == body(committed), "\(file): iptables-nft no longer writes the golden bytes")
            }
        }
    }

    func capture(input: String, inputName: String, family: NftFamily) throws -> String {
        let ns = try TestNetns()
        let client = try NftClient(netns: ns.name)
        for name in Self.nfacctObjects { try Nfacct.ensure(name, connection: client.connection) }
        let tool = family == .ipv6 ? "ip6tables" : "iptables"
        try TestIpsets.create(for: input, family: family, in: ns)
        _ = try ns.exec(["\(tool)-restore"], input: input) as String
        let version = try ns.exec([tool, "--version"]) as String
        let kernel = try TestNetns.run(["uname", "-r"])
        var out = """
        # provenance: inputs/\(inputName) loaded with `ip netns exec NS \(tool)-restore < inputs/\(inputName)`
        # (\(version.trimmingCharacters(in: .whitespacesAndNewlines)), libnftnl 1.2.4, kernel \(kernel.trimmingCharacters(in: .whitespacesAndNewlines)))
        # in a fresh netns; rules read back over netlink (NFT_MSG_GETRULE per chain), `save` is
        # `\(tool)-save -t TABLE`'s line for the same rule (same chain, same position).
        # Regenerate: KPX_NETNS_TESTS=1 KPX_CAPTURE_GOLDEN=1 swift test --filter GoldenCaptureTests
        family \(family == .ipv6 ? "ipv6" : "ipv4")

        """
        let sets = TestIpsets.referenced(in: input)
        if !sets.isEmpty {
            out += "# ipset INDEX NAME: the sets `-m set` refers to, created with `ipset create` before the restore\n"
            let lookup = try IpsetSocket(netns: ns.name)
            for (name, _) in sets { out += "ipset \(try #require(try lookup.find(name: name)).index) \(name)\n" }
        }
        let tables = input.split(separator: "\n").filter { $0.hasPrefix("*") }.map { String($0.dropFirst()) }
        for table in tables {
            out += "table \(table)\n"
            let saved = try ns.exec(["\(tool)-save", "-t", table]) as String
            var saveLines: [String: [String]] = [:]
            for line in saved.split(separator: "\n") where line.hasPrefix("-A ") {
                saveLines[String(line.split(separator: " ")[1]), default: []].append(String(line))
            }
            let snap = try #require(try client.snapshot(family: family, table: table))
            for chain in snap.chains {
                var line = "chain \(chain.name)"
                if let h = chain.hook {
                    line += " base \(h.hooknum) \(h.priority) \(h.type) \(chain.policy == 1 ? "ACCEPT" : "DROP")"
                }
                out += line + "\n"
            }
            for chain in snap.chains {
                let rules = snap.rules[chain.name] ?? []
                let lines = saveLines[chain.name] ?? []
                try #require(rules.count == lines.count, "\(table) \(chain.name): \(rules.count) rules, \(lines.count) saved")
                for (rule, save) in zip(rules, lines) {
                    out += "rule \(chain.name) \(rule.handle)\nsave \(save)\nexprs \(ByteCoding.hex(rule.rawExpressions))\n"
                }
            }
        }
        return out
    }
}
