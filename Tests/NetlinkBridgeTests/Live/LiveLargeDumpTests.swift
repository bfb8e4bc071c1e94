import Foundation
import Testing
import Reconciler
@testable import NetlinkBridge

/// The 10,000-service ruleset of `scripts/bench-netlink.sh` (80k rules, 30k chains) loaded by
/// the real iptables-restore: our dump is byte-identical to iptables-save. Takes a few seconds;
/// speed is measured by the benchmark, never asserted here.
@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveLargeDumpTests {
    @Test func tenThousandServiceDumpEqualsIptablesSave() throws {
        let ns = try TestNetns()
        let text = KubeStyleRuleset.benchNat(services: 10_000)
        _ = try ns.exec(["iptables-restore"], input: text) as String
        let saved: String = try ns.exec(["iptables-save", "-t", "nat"])
        let tables = try TableReader.read(try NftClient(netns: ns.name), family: .ipv4, only: [.nat])
        let nat = try #require(tables.first)
        #expect(nat.table.chains.count == 30_008)
        #expect(nat.table.chains.reduce(0) { $0 + $1.rules.count } == 80_008)
        #expect(nat.opaqueRules.isEmpty)
        let dumped = SaveRenderer.render(nat.table, family: .ipv4)
        // Byte-identical apart from iptables-save's "# Generated/Completed" comment lines.
        #expect(LiveRoundTripTests.normalized(dumped) == LiveRoundTripTests.normalized(saved))
    }
}
