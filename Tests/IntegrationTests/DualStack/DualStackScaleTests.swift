import Foundation
import NetlinkBridge
import NetlinkBridgeTesting
import ReconcilerTesting
import Testing
@testable import Reconciler

/// Issue 14 at size in the kernel: 1,000 generated services in both families (`DualStackMirror`)
/// go from empty to programmed in one transaction, then changes of every kind (endpoints
/// replaced and added, services added and removed) follow through a tracker per family and one
/// engine, each in one transaction, the view kept between syncs; after each, both families equal
/// a full recompute and a fresh engine plans nothing. No timing is asserted.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct DualStackScaleTests {
    @Test func generatedDualStackClusterConvergesAndFollowsChanges() throws {
        let ns = try NetworkNamespace()
        let generator = ClusterGenerator(seed: 14)
        let base = generator.cluster(services: 1000)
        let cluster = DualStackMirror.mirror(base)
        var trackers = DualStackMirror.settings.map { ChangeTracker(settings: $0) }
        for i in trackers.indices { trackers[i].update(to: cluster.state) }
        let backend = try FollowingBackend(netns: ns.name, families: [.ipv4, .ipv6])
        let engine = ReconcileEngine(backend: backend, families: [.ipv4, .ipv6])
        let generation = try backend.generation()
        #expect(try engine.reconcile(trackers.map(\.ruleset)).allSatisfy(\.applied))
        #expect(try backend.generation() == generation &+ 1, "the cold apply of both families is one transaction")
        for i in trackers.indices { trackers[i].clearUnappliedChanges() }
        try expectConverged(ns.name, trackers, "cold apply")

        let (target, change) = generator.changing(base, count: 12)
        let forward = DualStackMirror.mirror(change)
        for (name, events, state) in [("forward", forward, DualStackMirror.mirror(target)),
                                      ("backward", ClusterChange.reversing(forward, base: cluster), cluster)] {
            let before = try backend.generation()
            for i in trackers.indices { trackers[i].batch { t in for e in events { e.apply(to: &t) } } }
            let outcomes = try engine.reconcile(trackers.map(\.ruleset), changes: trackers.map(\.unappliedChange))
            for i in trackers.indices { trackers[i].clearUnappliedChanges() }
            #expect(try outcomes.allSatisfy(\.applied) && backend.generation() == before &+ 1, "\(name): one transaction")
            for (i, settings) in DualStackMirror.settings.enumerated() {
                #expect(trackers[i].ruleset == DesiredState.compute(state.state, settings: settings), "\(name): tracker \(settings.ipFamily)")
            }
            try expectConverged(ns.name, trackers, name)
        }
    }

    /// A fresh engine finds nothing to do in either family.
    func expectConverged(_ netns: String, _ trackers: [ChangeTracker], _ context: String,
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fresh = ReconcileEngine(backend: try NetlinkBackend(netns: netns), families: [.ipv4, .ipv6])
        let plans = try fresh.reconcile(trackers.map(\.ruleset), dryRun: true).map(\.plan)
        let empty = plans.allSatisfy { $0.isEmpty }, summaries = plans.map { "\($0.summary)" }
        #expect(empty, "\(context): \(summaries)", sourceLocation: sourceLocation)
    }
}
