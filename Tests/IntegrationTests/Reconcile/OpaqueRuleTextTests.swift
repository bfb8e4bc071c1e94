import Foundation
import Testing
import TestSupport

/// Rules our codec keeps opaque (here an nft-native `ct mark` match iptables-nft cannot show)
/// are printed by libnftnl, readably, in `dump`, `--dry-run` and `trace`.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct OpaqueRuleTextTests {
    static let cluster = Repo.path("examples/cluster.yaml")
    static let printed = "[ ct load mark => reg 1 ] [ cmp eq reg 1 0x00000005 ]"

    @Test func opaqueRulesPrintReadably() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        // A foreign nft rule in a built-in chain, and one in a chain of ours (to be deleted).
        _ = try namespace.check(["nft", "insert", "rule", "ip", "nat", "PREROUTING", "ct", "mark", "5", "counter", "accept"])
        _ = try namespace.check(["nft", "add", "rule", "ip", "nat", "KUBE-SERVICES", "ct", "mark", "5", "counter", "drop"])

        let dump = try Kpx.run(["dump", "--netns", namespace.name, "--table", "nat"])
        #expect(dump.status == 0 && dump.stdout.contains("-A PREROUTING <opaque rule: expression ct: \(Self.printed)"), "\(dump.stdout)")

        let preview = try Kpx.reconcile(namespace, [Self.cluster], flags, ["--dry-run", "--color", "never"])
        #expect(preview.status == 2, "\(preview.stderr)")
        let deletion = preview.stdout.split(separator: "\n").first { $0.contains("KUBE-SERVICES") && $0.contains("opaque rule") }
        #expect(deletion?.contains(Self.printed) == true, "\(preview.stdout)")

        let trace = try Kpx.run(["trace", "--netns", namespace.name, "--src", "10.0.0.2", "--dst", "172.30.0.41", "--dport", "80"])
        #expect(trace.stdout.contains("rule not decodable (expression ct): \(Self.printed)"), "\(trace.stdout)\(trace.stderr)")
    }
}
