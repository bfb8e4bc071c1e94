import ClusterSource
import Foundation
import Reconciler
import ReconcilerTesting
import Testing

/// TestSyncProxyRulesRepeated steps 2-8: kube-proxy's partial syncs. The change tracker says which
/// services changed; the writer emits only their chains plus the fixed chains, and deletes stale ones.
@Suite struct PartialSyncCaseTests {
    static let steps = ["step1-initial", "step2-add-svc3", "step3-delete-svc2", "step4-add-svc4-no-endpoints",
                        "step5-add-svc4-endpoints", "step6-change-svc3-endpoint", "step7-add-svc3-endpoint",
                        "step8-no-change"]

    @Test func partialSyncsMatchKubeProxy() throws {
        let base = "03-sync-proxy-rules-repeated/"
        var tracker = ChangeTracker(settings: Fixtures.fakeIPv4)
        tracker.update(to: Fixtures.state(base + Self.steps[0]).0)
        for step in Self.steps.dropFirst() {
            let live = tracker.ruleset
            let changed = tracker.update(to: Fixtures.state(base + step).0)
            #expect(tracker.ruleset == DesiredState.compute(tracker.state, settings: Fixtures.fakeIPv4), "\(step)")
            let written = Set(changed.flatMap { tracker.chains(of: $0) })
            let stale = StaleChains.between(live: live, desired: tracker.ruleset)
            let text = Fixtures.writer.render(tracker.ruleset, deletedChains: stale, onlyServiceChains: written)
            let got = try RestoreTextNormalizer.normalize(text)
            let want = String(try Fixtures.text(base + step + "/expected.iptables").drop { $0.isWhitespace })
            #expect(got == want, "\(step)\n--- got\n\(got)\n--- want\n\(want)")
        }
    }
}
