import Foundation
import NetlinkBridge
import NetlinkBridgeTesting
import Testing
@testable import Reconciler
import ReconcilerTesting

/// A running engine on the real kernel: syncs planned from the tracker's change touch only the
/// changed chains; after other writers commit, only the chains they changed are re-read (from
/// the kernel's notifications), drift in our chains is repaired, and foreign chains stay.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct ChangeFollowingTests {
    struct Running {
        let namespace: TestSupport.NetworkNamespace
        let engine: ReconcileEngine
        var tracker: ChangeTracker
        var cluster: GeneratedCluster
        let generator: ClusterGenerator
    }

    func running(services: Int = 60) throws -> Running {
        let namespace = try TestSupport.NetworkNamespace()
        let generator = ClusterGenerator(seed: 11)
        let cluster = generator.cluster(services: services)
        var tracker = ChangeTracker(settings: ClusterGenerator.settings)
        tracker.update(to: cluster.state)
        let engine = ReconcileEngine(backend: try FollowingBackend(netns: namespace.name, family: .ipv4), family: .ipv4)
        #expect(try engine.reconcile(tracker.ruleset, change: tracker.unappliedChange).applied)
        tracker.clearUnappliedChanges()
        return Running(namespace: namespace, engine: engine, tracker: tracker, cluster: cluster, generator: generator)
    }

    func sync(_ r: inout Running, round: UInt64) throws -> ReconcileOutcome {
        let (next, events) = r.generator.changing(r.cluster, count: 4, changeSeed: round)
        r.cluster = next
        for event in events { event.apply(to: &r.tracker) }
        let outcome = try r.engine.reconcile(r.tracker.ruleset, change: r.tracker.unappliedChange)
        r.tracker.clearUnappliedChanges()
        return outcome
    }

    func expectConverged(_ r: Running, _ what: String) throws {
        try Converged.expect(r.namespace, equals: r.tracker.ruleset, what)
        #expect(try ReconcileEngine(backend: try NetlinkBackend(netns: r.namespace.name), family: .ipv4)
            .verify(r.tracker.ruleset).isEmpty, "\(what)")
    }

    @Test func changeScopedSyncsConvergeWithoutRereads() throws {
        var r = try running()
        for round in UInt64(1)...6 {
            let outcome = try sync(&r, round: round)
            #expect(outcome.applied && outcome.scoped && !outcome.reread, "round \(round)")
            try expectConverged(r, "round \(round)")
        }
    }

    @Test func foreignTableWriteIsFollowedWithoutARead() throws {
        var r = try running()
        try r.namespace.check(["nft", "add", "table", "inet", "elsewhere"])
        try r.namespace.check(["nft", "add", "chain", "inet", "elsewhere", "c1"])
        let outcome = try sync(&r, round: 21)
        #expect(outcome.scoped && !outcome.reread && r.engine.patchedChains == 0)
        try expectConverged(r, "after a foreign table write")
    }

    @Test func driftInOurChainsIsRepairedFromAChainRead() throws {
        var r = try running()
        let chain = r.tracker.ruleset[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SVC-") && $0.rules.count >= 2 }!
        try r.namespace.check(["iptables", "-t", "nat", "-D", chain.name, "1"])
        try r.namespace.check(["iptables", "-t", "nat", "-N", "ADMIN-CHAIN"])
        try r.namespace.check(["iptables", "-t", "nat", "-A", "ADMIN-CHAIN", "-j", "RETURN"])
        let outcome = try sync(&r, round: 22)
        #expect(!outcome.reread && !outcome.scoped && r.engine.patchedChains == 2, "\(String(describing: r.engine.patchedChains))")
        try expectConverged(r, "after drift")
        let saved = try r.namespace.check(["iptables-save", "-t", "nat"])
        #expect(saved.contains("-A ADMIN-CHAIN -j RETURN"))
    }
}
