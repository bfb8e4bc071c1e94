import Testing
@testable import Reconciler

/// The "must be the last rule" rule of nat KUBE-SERVICES in the free-order diff.
/// Regression: with a stray copy of it above the real one, the first copy was matched, the
/// rule counted as out of place, and the plan deleted both copies and appended it again
/// (4 operations where deleting the stray copy is enough).
@Suite struct PinnedRuleTests {
    static let pinned = RandomRulesets.jump("KUBE-NODEPORTS", comment: "kubernetes service nodeports; NOTE: this must be the last rule in this chain")
    static let s1 = RandomRulesets.rule("-d 172.30.0.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-AAAAAAAAAAAAAAAA")
    static let s2 = RandomRulesets.rule("-d 172.30.0.2/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-BBBBBBBBBBBBBBBB")

    func plan(live: [Rule]) -> [PlanOperation] {
        ChainDiff(table: .nat, chain: "KUBE-SERVICES", observed: live, handles: live.indices.map { UInt64($0 + 1) },
                  desired: [Self.s1, Self.s2, Self.pinned]).freeOrder()
    }

    @Test func strayCopyAboveIsDeletedAlone() {
        #expect(plan(live: [Self.pinned, Self.s1, Self.s2, Self.pinned])
                == [.deleteRule(table: .nat, chain: "KUBE-SERVICES", handle: 1, rule: Self.pinned)])
    }

    @Test func pinnedRuleInTheMiddleMovesToTheEnd() {
        #expect(plan(live: [Self.s1, Self.pinned, Self.s2]) == [
            .deleteRule(table: .nat, chain: "KUBE-SERVICES", handle: 2, rule: Self.pinned),
            .insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.pinned, placement: .append),
        ])
    }

    @Test func inPlaceNeedsNothing() {
        #expect(plan(live: [Self.s2, Self.s1, Self.pinned]).isEmpty)
    }
}
