/// Keeps the desired ruleset up to date as Services and EndpointSlices change, recomputing only
/// the chains of the services a change touches (kube-proxy's ServiceChangeTracker /
/// EndpointsChangeTracker + partial sync). `ruleset` always equals a full
/// `DesiredState.compute` of the current objects.
public struct ChangeTracker: Sendable {
    public let settings: ProxySettings
    public private(set) var services: [ServiceName: ServiceModel] = [:]
    /// Slices by `namespace/sliceName`.
    public private(set) var slices: [String: EndpointSliceModel] = [:]
    public internal(set) var ruleset: Ruleset
    /// Services whose fragment was recomputed by the last update.
    public internal(set) var lastRecomputed: Set<ServiceName> = []
    /// Chains whose rules may differ after the last update (the recomputed services' own chains,
    /// old and new, plus the shared kube chains they write to); every other chain is unchanged.
    public internal(set) var lastChangedChains: [TableName: Set<String>] = [:]
    /// Every chain changed since `clearUnappliedChanges()`: the scope to plan after the previous
    /// ruleset was applied (see `ReconcileEngine.reconcile(_:scope:)`).
    public private(set) var unappliedChanges: [TableName: Set<String>] = [:]

    /// Whether this tracker's ruleset was applied at some point (`clearUnappliedChanges`).
    private var baselineApplied = false

    /// `unappliedChanges` as chain references; nil until the tracker's ruleset has been applied
    /// once (a new tracker knows nothing of what the kernel holds, so everything must be planned).
    public var unappliedScope: Set<ChainRef>? {
        guard baselineApplied else { return nil }
        return Set(unappliedChanges.flatMap { table, chains in chains.map { ChainRef(table, $0) } })
    }

    /// Forgets the accumulated changes (call once the ruleset has been applied).
    public mutating func clearUnappliedChanges() {
        unappliedChanges = [:]
        appliedFragments = [:]
        wholeChainsSinceApply = false
        baselineApplied = true
    }

    /// The fragments, as last applied, of the services recomputed since (nil: had none).
    private(set) var appliedFragments: [ServiceName: ServiceFragment?] = [:]
    /// Whether every service was recomputed since the last apply (large-cluster mode flipped):
    /// the free-order chains are then reported whole rather than as deltas.
    private(set) var wholeChainsSinceApply = false
    /// The service that owns each per-service chain.
    private var owners: [String: ServiceName] = [:]

    /// The service that owns per-service chain `name`.
    func chainOwner(_ name: String) -> ServiceName? { owners[name] }

    /// The current fragment of service `name`.
    func fragment(_ name: ServiceName) -> ServiceFragment? { fragments[name] }

    private var slicesByService: [ServiceName: Set<String>] = [:]
    var fragments: [ServiceName: ServiceFragment] = [:]
    var layout = FragmentLayout()
    /// Services whose fragment changed but is not yet in `ruleset` (during a `batch`).
    var unplaced: Set<ServiceName> = []
    /// Whether every fragment must be reassembled (large-cluster mode flipped during a batch).
    var reassemble = false
    var batching = false
    private var endpointTotal = 0
    var context: GenerationContext

    public init(settings: ProxySettings) {
        self.settings = settings
        self.context = GenerationContext(settings: settings, largeClusterMode: false)
        self.ruleset = DesiredState.assemble([:], ctx: context)
    }

    /// The current objects as a ClusterState.
    public var state: ClusterState {
        ClusterState(services: services.values.sorted { $0.name < $1.name },
                     slices: slices.keys.sorted().map { slices[$0]! })
    }

    /// The chains a service owns in the current ruleset.
    public func chains(of service: ServiceName) -> [String] { fragments[service]?.chains.map(\.name) ?? [] }

    public mutating func upsert(service: ServiceModel) { update(affected: [service.name]) { $0.services[service.name] = service } }

    public mutating func delete(service: ServiceName) { update(affected: [service]) { $0.services[service] = nil } }

    public mutating func upsert(slice: EndpointSliceModel) {
        let key = Self.key(slice)
        // A tracker computes one family: a slice of the other family never changes its rules
        // (on a dual-stack node the other family's tracker keeps it).
        guard slice.addressFamily == settings.ipFamily else { return delete(slice: slice.name, namespace: slice.service.namespace) }
        var affected: Set<ServiceName> = [slice.service]
        if let old = slices[key] { affected.insert(old.service) }
        update(affected: affected) { $0.putSlice(key, slice) }
    }

    public mutating func delete(slice name: String, namespace: String) {
        let key = "\(namespace)/\(name)"
        guard let old = slices[key] else {
            if !batching { lastRecomputed = []; lastChangedChains = [:] }
            return
        }
        update(affected: [old.service]) { $0.putSlice(key, nil) }
    }

    /// Moves to `state`, recomputing only services whose Service or slices differ. Returns them.
    @discardableResult
    public mutating func update(to state: ClusterState) -> Set<ServiceName> {
        let newServices = Dictionary(state.services.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let family = settings.ipFamily
        let newSlices = Dictionary(state.slices.lazy.filter { $0.addressFamily == family }.map { (Self.key($0), $0) },
                                   uniquingKeysWith: { a, _ in a })
        var affected = Set<ServiceName>()
        for name in Set(newServices.keys).union(services.keys) where newServices[name] != services[name] { affected.insert(name) }
        for key in Set(newSlices.keys).union(slices.keys) where newSlices[key] != slices[key] {
            if let s = newSlices[key] { affected.insert(s.service) }
            if let s = slices[key] { affected.insert(s.service) }
        }
        update(affected: affected) { t in
            t.services = newServices
            for key in Set(newSlices.keys).union(t.slices.keys) where newSlices[key] != t.slices[key] { t.putSlice(key, newSlices[key]) }
        }
        return lastRecomputed
    }

    static func key(_ s: EndpointSliceModel) -> String { "\(s.service.namespace)/\(s.name)" }

    private mutating func putSlice(_ key: String, _ slice: EndpointSliceModel?) {
        if let old = slices[key] { slicesByService[old.service]?.remove(key) }
        slices[key] = slice
        if let slice { slicesByService[slice.service, default: []].insert(key) }
    }

    /// Applies `change`, regenerates the affected services (all of them if large-cluster mode flips).
    private mutating func update(affected: Set<ServiceName>, _ change: (inout ChangeTracker) -> Void) {
        change(&self)
        var ports: [ServiceName: [(ServicePortInfo, [EndpointInfo])]] = [:]
        for name in affected { ports[name] = servicePorts(name) }
        let before = affected.reduce(0) { $0 + (fragments[$1]?.endpointCount ?? 0) }
        let after = ports.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.1.count } }
        let large = endpointTotal - before + after > settings.largeClusterEndpointsThreshold
        var recompute = affected
        let flip = large != context.largeClusterMode
        if flip {
            context = GenerationContext(settings: settings, largeClusterMode: large)
            recompute.formUnion(fragments.keys)
            for name in recompute where ports[name] == nil { ports[name] = servicePorts(name) }
        }
        var changed: [TableName: Set<String>] = [:]
        if flip { wholeChainsSinceApply = true; reassemble = true }
        for name in recompute {
            let list = ports[name] ?? []
            let new = list.isEmpty ? nil : DesiredState.fragment(list, ctx: context)
            Self.noteChanges(old: fragments[name], new: new, into: &changed)
            if baselineApplied, !appliedFragments.keys.contains(name) { appliedFragments[name] = .some(fragments[name]) }
            for chain in fragments[name]?.chains ?? [] where owners[chain.name] == name { owners[chain.name] = nil }
            for chain in new?.chains ?? [] { owners[chain.name] = name }
            endpointTotal += (new?.endpointCount ?? 0) - (fragments[name]?.endpointCount ?? 0)
            fragments[name] = new
        }
        unplaced.formUnion(recompute)
        if batching {
            lastRecomputed.formUnion(recompute)
            for (table, names) in changed { lastChangedChains[table, default: []].formUnion(names) }
        } else {
            lastRecomputed = recompute
            lastChangedChains = changed
            placeFragments()
        }
        for (table, names) in changed { unappliedChanges[table, default: []].formUnion(names) }
    }

    /// Records the chains whose rules differ between the old and new fragment: the service's own
    /// chains that were created, deleted or changed, and the shared chains whose rules from this
    /// service changed (an endpoint change leaves KUBE-SERVICES out of the scope).
    static func noteChanges(old: ServiceFragment?, new: ServiceFragment?, into changed: inout [TableName: Set<String>]) {
        let oldChains = Dictionary((old?.chains ?? []).map { ($0.name, $0.rules) }, uniquingKeysWith: { a, _ in a })
        let newChains = Dictionary((new?.chains ?? []).map { ($0.name, $0.rules) }, uniquingKeysWith: { a, _ in a })
        for name in Set(oldChains.keys).union(newChains.keys) where oldChains[name] != newChains[name] {
            changed[.nat, default: []].insert(name)
        }
        let (oldNat, newNat) = (old?.nat ?? [:], new?.nat ?? [:])
        for key in Set(oldNat.keys).union(newNat.keys) where oldNat[key] != newNat[key] {
            changed[.nat, default: []].insert(key)
        }
        let (oldFilter, newFilter) = (old?.filter ?? [:], new?.filter ?? [:])
        for key in Set(oldFilter.keys).union(newFilter.keys) where oldFilter[key] != newFilter[key] {
            changed[.filter, default: []].insert(key)
        }
    }

    /// Ports of one service with endpoints merged from that service's slices only.
    private func servicePorts(_ name: ServiceName) -> [(ServicePortInfo, [EndpointInfo])] {
        guard let svc = services[name] else { return [] }
        let own = (slicesByService[name] ?? []).compactMap { slices[$0] }
        let eps = EndpointsMapBuilder.build(slices: own, family: settings.ipFamily, nodeName: settings.nodeName)
        return svc.servicePorts(for: settings.ipFamily).sorted { $0.name < $1.name }.map { ($0, eps[$0.name] ?? []) }
    }
}
