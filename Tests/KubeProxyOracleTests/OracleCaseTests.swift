import ClusterSource
import Foundation
import Reconciler
import ReconcilerTesting
import Testing

/// kube-proxy's own expected restore text (proxier_test.go), compared as upstream compares it.
@Suite struct OracleCaseTests {
    func assertCase(_ dir: String, expected: String, deleted: [TableName: [String]] = [:]) throws {
        let (state, issues) = Fixtures.state(dir)
        #expect(issues.isEmpty, "\(issues)")
        let ruleset = DesiredState.compute(state, settings: Fixtures.fakeIPv4)
        let text = Fixtures.writer.render(ruleset, deletedChains: deleted)
        let got = try RestoreTextNormalizer.normalize(text)
        let want = try Fixtures.text(expected).drop { $0.isWhitespace }
        #expect(got == String(want), "\n--- got\n\(got)\n--- want\n\(want)")
    }

    @Test func overallIPTablesRules() throws {
        try assertCase("01-overall-iptables-rules", expected: "01-overall-iptables-rules/expected.iptables")
    }

    @Test func syncProxyRulesRepeatedStep1FullSync() throws {
        let d = "03-sync-proxy-rules-repeated/step1-initial"
        try assertCase(d, expected: d + "/expected.iptables")
    }

    /// Step 9 is a full resync that also deletes svc4's chains, which exist in the kernel from step 8.
    @Test func syncProxyRulesRepeatedStep9FullResync() throws {
        let base = "03-sync-proxy-rules-repeated/"
        let before = DesiredState.compute(Fixtures.state(base + "step8-no-change").0, settings: Fixtures.fakeIPv4)
        let after = DesiredState.compute(Fixtures.state(base + "step9-full-resync-after-failed-partial").0,
                                         settings: Fixtures.fakeIPv4)
        let stale = StaleChains.between(live: before, desired: after)
        #expect(stale[.nat]?.isEmpty == false)
        try assertCase(base + "step9-full-resync-after-failed-partial",
                       expected: base + "step9-full-resync-after-failed-partial/expected.iptables", deleted: stale)
    }

    func forwardRules(nfacct: Bool, liberal: Bool) -> String {
        var s = Fixtures.fakeIPv4
        s.nfacct = nfacct
        s.conntrackTCPLiberal = liberal
        let rs = DesiredState.compute(ClusterState(), settings: s)
        let chain = rs[table: .filter]![chain: "KUBE-FORWARD"]!
        return chain.rules.map { Fixtures.writer.ruleLine(chain: chain.name, $0, family: .ipv4) + "\n" }.joined()
    }

    @Test func dropInvalidRule() throws {
        let d = "chain-01-drop-invalid-rule/"
        #expect(forwardRules(nfacct: false, liberal: false) == (try Fixtures.text(d + "a-nfacct-absent.KUBE-FORWARD.iptables")))
        #expect(forwardRules(nfacct: true, liberal: false) == (try Fixtures.text(d + "b-nfacct-present.KUBE-FORWARD.iptables")))
        #expect(forwardRules(nfacct: false, liberal: true) == (try Fixtures.text(d + "c-tcp-liberal.KUBE-FORWARD.iptables")))
    }

    @Test(arguments: [false, true]) func masqueradeRule(randomFully: Bool) throws {
        var s = Fixtures.fakeIPv4
        s.randomFully = randomFully
        let chain = DesiredState.compute(ClusterState(), settings: s)[table: .nat]![chain: "KUBE-POSTROUTING"]!
        let text = chain.rules.map { Fixtures.writer.ruleLine(chain: chain.name, $0, family: .ipv4) + "\n" }.joined()
        let file = randomFully ? "b-random-fully" : "a-no-random-fully"
        #expect(text == (try Fixtures.text("chain-02-masquerade-rule/\(file).KUBE-POSTROUTING.iptables")))
    }
}
