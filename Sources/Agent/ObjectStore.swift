import ClusterSource
import Foundation
import KubeClient
import Reconciler

/// The agent's copy of the cluster: the validated models by key (not the decoded objects: at 10k
/// services those were as large again), with the set of services that changed since the last
/// sync (kube-proxy's change trackers). Invalid objects are reported once and count as absent.
struct ObjectStore {
    /// Keys of every object received (valid or not).
    private(set) var serviceKeys: Set<ObjectKey> = []
    private(set) var sliceKeys: Set<ObjectKey> = []
    /// Objects with issues, as last reported (a hash of the object), so a repeat is not reported again.
    private var reported: [ObjectKey: Int] = [:]
    /// Repeated strings of the models, shared.
    private var strings = StringInterner()
    private(set) var serviceModels: [ServiceName: ServiceModel] = [:]
    private(set) var sliceModels: [ObjectKey: EndpointSliceModel] = [:]
    /// Kinds that have been listed completely at least once.
    private(set) var synced: Set<ObjectKind> = []

    /// Services whose Service object changed, and whose endpoints changed, since the last drain.
    private(set) var pendingServices: Set<ServiceName> = []
    private(set) var pendingEndpoints: Set<ServiceName> = []
    /// Slices whose model changed since the last drain.
    private(set) var pendingSlices: Set<ObjectKey> = []
    /// Whether every service must be recomputed (settings changed) rather than the pending ones.
    private(set) var needsFullUpdate = false
    /// Earliest `last-change-trigger-time` of the pending endpoint changes, per family (the
    /// slice's address type) and service.
    private(set) var triggerTimes: [IPFamily: [ServiceName: Date]] = [:]
    /// Raw events received (kube-proxy counts every update).
    private(set) var serviceEvents = 0
    private(set) var endpointEvents = 0

    /// Problems found in objects by the last `apply`.
    private(set) var lastIssues: [KubeIssue] = []

    var isSynced: Bool { synced.isSuperset(of: ObjectKind.allCases) }
    var hasPending: Bool { !pendingServices.isEmpty || !pendingEndpoints.isEmpty }

    /// The validated objects.
    var state: ClusterState {
        ClusterState(services: serviceModels.values.sorted { $0.name < $1.name },
                     slices: sliceModels.keys.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }.map { sliceModels[$0]! })
    }

    /// Applies an event; returns whether anything changed.
    @discardableResult
    mutating func apply(_ event: ClusterEvent) -> Bool {
        lastIssues = []
        switch event {
        case .upsert(let object): return upsert(object)
        case .delete(let key): return remove(key)
        case .replace(let kind, let objects):
            var changed = false
            var keep = Set<ObjectKey>()
            for object in objects {
                guard let key = object.key else { continue }
                keep.insert(key)
                if upsert(object) { changed = true }
            }
            let existing = kind == .service ? Array(serviceKeys) : Array(sliceKeys)
            for key in existing where !keep.contains(key) { if remove(key) { changed = true } }
            synced.insert(kind)
            return changed
        case .invalid(let ref, let message):
            lastIssues = [KubeIssue(.error, ref, field: "", message)]
            return false
        case .node:
            return false
        }
    }

    /// Marks every service as changed (after a settings change).
    mutating func markAllPending() {
        pendingServices.formUnion(serviceModels.keys)
        needsFullUpdate = true
    }

    /// Hands out the pending changes and clears them.
    mutating func drain() -> PendingChanges {
        defer { pendingServices = []; pendingEndpoints = []; pendingSlices = []; triggerTimes = [:]; needsFullUpdate = false }
        return PendingChanges(services: pendingServices, endpoints: pendingEndpoints, slices: pendingSlices,
                              triggers: triggerTimes, full: needsFullUpdate)
    }

    private mutating func upsert(_ object: ClusterObject) -> Bool {
        guard let key = object.key else {
            lastIssues.append(KubeIssue(.error, ObjectRef(kind: "object"), field: "metadata", "object without namespace or name skipped"))
            return false
        }
        switch object {
        case .service(let service):
            serviceEvents += 1
            serviceKeys.insert(key)
            let name = ServiceName(namespace: key.namespace, name: key.name)
            let v = service.validate()
            report(v.issues, of: key, hash: service.hashValue)
            let model = v.model?.name == name ? v.model.map { strings.intern($0) } : nil
            if serviceModels[name] == model { return false }
            serviceModels[name] = model
            pendingServices.insert(name)
            return true
        case .endpointSlice(let slice, let trigger):
            endpointEvents += 1
            sliceKeys.insert(key)
            let v = slice.validate()
            report(v.issues, of: key, hash: slice.hashValue)
            return setSliceModel(key, v.model.map { strings.intern($0) }, trigger: trigger)
        }
    }

    private mutating func remove(_ key: ObjectKey) -> Bool {
        switch key.kind {
        case .service:
            serviceEvents += 1
            reported[key] = nil
            guard serviceKeys.remove(key) != nil else { return false }
            let name = ServiceName(namespace: key.namespace, name: key.name)
            guard serviceModels.removeValue(forKey: name) != nil else { return false }
            pendingServices.insert(name)
            return true
        case .endpointSlice:
            endpointEvents += 1
            reported[key] = nil
            guard sliceKeys.remove(key) != nil else { return false }
            return setSliceModel(key, nil, trigger: nil)
        }
    }

    /// Reports `issues` unless this very object was reported last time.
    private mutating func report(_ issues: [KubeIssue], of key: ObjectKey, hash: Int) {
        guard !issues.isEmpty else { reported[key] = nil; return }
        guard reported[key] != hash else { return }
        reported[key] = hash
        lastIssues += issues
    }

    private mutating func setSliceModel(_ key: ObjectKey, _ model: EndpointSliceModel?, trigger: Date?) -> Bool {
        let old = sliceModels[key]
        if old == model { return false }
        sliceModels[key] = model
        pendingSlices.insert(key)
        for service in [old?.service, model?.service].compactMap({ $0 }) {
            pendingEndpoints.insert(service)
            if let trigger, let family = model?.addressFamily ?? old?.addressFamily {
                triggerTimes[family, default: [:]][service] = min(triggerTimes[family]?[service] ?? trigger, trigger)
            }
        }
        return true
    }
}

/// What changed in the store since the last sync.
struct PendingChanges {
    /// Services whose Service object changed.
    var services: Set<ServiceName>
    /// Services whose endpoints changed.
    var endpoints: Set<ServiceName>
    /// Slices whose model changed (added, updated or removed).
    var slices: Set<ObjectKey>
    /// Earliest `last-change-trigger-time` per family and service with endpoint changes.
    var triggers: [IPFamily: [ServiceName: Date]]
    /// Every service must be recomputed.
    var full: Bool
}

extension ChangeTracker {
    /// Brings the tracker to the store's objects by applying only the pending changes (cost of
    /// the change, not of the cluster). Returns the services recomputed.
    mutating func apply(_ pending: PendingChanges, from store: ObjectStore) -> Set<ServiceName> {
        batch { tracker in
            for name in pending.services {
                if let model = store.serviceModels[name] { tracker.upsert(service: model) } else { tracker.delete(service: name) }
            }
            for key in pending.slices {
                if let model = store.sliceModels[key] { tracker.upsert(slice: model) } else {
                    tracker.delete(slice: key.name, namespace: key.namespace)
                }
            }
        }
        return lastRecomputed
    }
}
