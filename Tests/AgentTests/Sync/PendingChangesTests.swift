import ClusterSource
@testable import Agent
import KubeClient
import Reconciler
import ReconcilerTesting
import Testing

/// A sync applies only the store's pending changes to the tracker; the result is what comparing
/// every object gives.
@Suite struct PendingChangesTests {
    static func event(_ change: ClusterChange) -> ClusterEvent {
        switch change {
        case .upsertService(let s): return .upsert(.service(s))
        case .deleteService(let ns, let name): return .delete(ObjectKey(.service, namespace: ns, name: name))
        case .upsertSlice(let s): return .upsert(.endpointSlice(s, triggerTime: nil))
        case .deleteSlice(let ns, let name): return .delete(ObjectKey(.endpointSlice, namespace: ns, name: name))
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func pendingChangesGiveWhatAFullUpdateGives(seed: UInt64) {
        let generator = ClusterGenerator(seed: seed)
        var cluster = generator.cluster(services: 80)
        var store = ObjectStore()
        for s in cluster.services { store.apply(.upsert(.service(s))) }
        for s in cluster.slices { store.apply(.upsert(.endpointSlice(s, triggerTime: nil))) }
        var incremental = ChangeTracker(settings: ClusterGenerator.settings)
        incremental.update(to: store.state)
        _ = store.drain()
        for round in 1...8 {
            let (next, changes) = generator.changing(cluster, count: 1 + round % 4, changeSeed: UInt64(round) &* seed)
            cluster = next
            for change in changes { store.apply(Self.event(change)) }
            let recomputed = incremental.apply(store.drain(), from: store)
            var full = ChangeTracker(settings: ClusterGenerator.settings)
            full.update(to: store.state)
            #expect(incremental.ruleset == full.ruleset, "round \(round)")
            #expect(!recomputed.isEmpty, "round \(round)")
        }
    }
}
