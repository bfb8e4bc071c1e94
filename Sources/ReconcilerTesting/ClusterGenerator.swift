public import Reconciler

/// A synthetic cluster for benchmarks and tests: `count` Services with their EndpointSlices,
/// shaped like a typical large cluster (2-3 endpoints each, 10% NodePorts, a few LoadBalancers and
/// externalIPs, some ClientIP session affinity, some multi-port and UDP services).
/// A pure function of its seed: the same seed and count always give the same objects.
public struct GeneratedCluster: Hashable, Sendable {
    public var services: [Service]
    public var slices: [EndpointSlice]

    public init(services: [Service], slices: [EndpointSlice]) {
        self.services = services
        self.slices = slices
    }

    /// The validated state (generated objects are always valid: no issues).
    public var state: ClusterState { ClusterState.validating(services: services, slices: slices).0 }
}

/// One watch event, as an agent would receive it.
public enum ClusterChange: Hashable, Sendable {
    case upsertService(Service)
    case deleteService(namespace: String, name: String)
    case upsertSlice(EndpointSlice)
    case deleteSlice(namespace: String, name: String)

    /// Feeds this event to a change tracker (objects are validated first; generated ones are valid).
    public func apply(to tracker: inout ChangeTracker) {
        switch self {
        case .upsertService(let s): if let m = s.validate().model { tracker.upsert(service: m) }
        case .deleteService(let ns, let name): tracker.delete(service: ServiceName(namespace: ns, name: name))
        case .upsertSlice(let s): if let m = s.validate().model { tracker.upsert(slice: m) }
        case .deleteSlice(let ns, let name): tracker.delete(slice: name, namespace: ns)
        }
    }
}

/// How a benchmark change touches one service.
public enum ChangeKind: String, CaseIterable, Sendable {
    case endpointReplaced = "endpoint-replaced"
    case endpointAdded = "endpoint-added"
    case serviceAdded = "service-added"
    case serviceRemoved = "service-removed"
}

/// Builds seeded synthetic clusters and seeded changes to them.
public struct ClusterGenerator: Sendable {
    /// The node the generated settings describe; some endpoints live on it.
    public static let nodeName = "bench-node"
    public static let nodeIP = "192.168.0.2"
    public static let clusterCIDR = "10.0.0.0/8"

    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// kube-proxy settings matching the generated cluster (node name/IP, cluster CIDR detector).
    public static var settings: ProxySettings {
        ProxySettings(nodeName: nodeName, nodeIPs: [IPAddress(nodeIP)!],
                      localDetector: .cidr(CIDR(clusterCIDR)!))
    }

    /// `count` services (indices 0..<count) with one EndpointSlice each.
    public func cluster(services count: Int) -> GeneratedCluster {
        var out = GeneratedCluster(services: [], slices: [])
        out.services.reserveCapacity(count)
        out.slices.reserveCapacity(count)
        for i in 0..<count {
            let (svc, slice) = service(index: i)
            out.services.append(svc)
            out.slices.append(slice)
        }
        return out
    }

    /// `cluster` with `count` services changed, cycling through `kinds` (service `k` changes by
    /// `kinds[k % kinds.count]`), and the watch events that describe the change. Changed services
    /// are picked by `changeSeed` among those not already picked; added services get fresh indices.
    public func changing(_ cluster: GeneratedCluster, count: Int, kinds: [ChangeKind] = ChangeKind.allCases,
                         changeSeed: UInt64 = 1) -> (GeneratedCluster, [ClusterChange]) {
        var rng = SplitMix64(seed: seed ^ (changeSeed &* 0x9E37_79B9_7F4A_7C15))
        var next = cluster
        var events: [ClusterChange] = []
        var picked = Set<Int>()
        var freshIndex = 1_000_000 + Int(changeSeed % 1000) * 10_000
        for k in 0..<count {
            let kind = kinds[k % kinds.count]
            if kind == .serviceAdded {
                let (svc, slice) = service(index: freshIndex)
                freshIndex += 1
                next.services.append(svc)
                next.slices.append(slice)
                events += [.upsertService(svc), .upsertSlice(slice)]
                continue
            }
            let existing = cluster.slices.count
            guard picked.count < existing else { break }
            var i = Int(rng.next() % UInt64(existing))
            while picked.contains(i) { i = (i + 1) % existing }
            picked.insert(i)
            switch kind {
            case .serviceRemoved:
                let meta = next.services[i].metadata
                events += [.deleteSlice(namespace: meta.namespace!, name: next.slices[i].metadata.name!),
                           .deleteService(namespace: meta.namespace!, name: meta.name!)]
            case .endpointReplaced, .endpointAdded:
                var slice = next.slices[i]
                var eps = slice.endpoints ?? []
                let ep = EndpointSlice.Endpoint(addresses: [podIP(rng.next() % 4_000_000 + 4_000_000)],
                                                nodeName: "node-\(rng.next() % 50)")
                if kind == .endpointReplaced, !eps.isEmpty { eps[Int(rng.next() % UInt64(eps.count))] = ep } else { eps.append(ep) }
                slice.endpoints = eps
                next.slices[i] = slice
                events.append(.upsertSlice(slice))
            case .serviceAdded: break
            }
        }
        let removed = Set(events.compactMap { e -> String? in
            if case .deleteService(let ns, let n) = e { return "\(ns)/\(n)" } else { return nil }
        })
        if !removed.isEmpty {
            next.services.removeAll { removed.contains("\($0.metadata.namespace!)/\($0.metadata.name!)") }
            next.slices.removeAll { removed.contains("\($0.metadata.namespace!)/\($0.metadata.labels![EndpointSlice.serviceNameLabel]!)") }
        }
        return (next, events)
    }

    /// Service number `index` and its slice; a pure function of (seed, index).
    public func service(index: Int) -> (Service, EndpointSlice) {
        var rng = SplitMix64(seed: seed &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        let ns = "ns\(index % 97)"
        let name = "svc\(index)"
        // Every 10th service (offset by the seed) has node ports: 1 in 5 of them is a LoadBalancer.
        let slot = index + Int(seed % 10)
        let rank = slot / 10
        let type = slot % 10 != 0 ? "ClusterIP" : rank % 5 == 0 ? "LoadBalancer" : "NodePort"
        let multiPort = type == "ClusterIP" ? rng.next() % 10 == 0 : rank % 10 == 1
        let udp = rng.next() % 20 == 0
        var ports = [Service.Port(name: multiPort ? "http" : nil, protocol: udp ? "UDP" : "TCP",
                                  port: udp ? 53 : 80, targetPort: .int(udp ? 5353 : 8080))]
        if multiPort { ports.append(Service.Port(name: "https", protocol: "TCP", port: 443, targetPort: .int(8443))) }
        if type != "ClusterIP" {
            for p in ports.indices { ports[p].nodePort = nodePort(rank: rank, port: p) }
        }
        var spec = Service.Spec(type: type, clusterIP: clusterIP(index), ports: ports)
        if rng.next() % 50 == 0 { spec.externalIPs = [externalIP(index)] }
        if rng.next() % 20 == 0 {
            spec.sessionAffinity = "ClientIP"
            spec.sessionAffinityConfig = .init(clientIP: .init(timeoutSeconds: 10800))
        }
        var status: Service.Status?
        if type == "LoadBalancer" {
            status = .init(loadBalancer: .init(ingress: [.init(ip: loadBalancerIP(index))]))
            if rng.next() % 2 == 0 {
                spec.externalTrafficPolicy = "Local"
                spec.healthCheckNodePort = 32_400 + rank / 5 % 368
            }
        }
        let svc = Service(metadata: ObjectMeta(name: name, namespace: ns), spec: spec, status: status)
        let endpointCount = 2 + Int(rng.next() % 2)
        var eps: [EndpointSlice.Endpoint] = []
        for e in 0..<endpointCount {
            let local = rng.next() % 10 == 0
            eps.append(EndpointSlice.Endpoint(addresses: [podIP(UInt64(index) * 3 + UInt64(e))],
                                              nodeName: local ? ClusterGenerator.nodeName : "node-\(rng.next() % 50)"))
        }
        let slicePorts = ports.map { EndpointSlice.Port(name: $0.name ?? "", protocol: $0.protocol,
                                                        port: { if case .int(let n) = $0.targetPort { return n }; return nil }($0)) }
        let slice = EndpointSlice(
            metadata: ObjectMeta(name: "\(name)-x\(index % 1000)", namespace: ns,
                                 labels: [EndpointSlice.serviceNameLabel: name]),
            addressType: "IPv4", endpoints: eps, ports: slicePorts)
        return (svc, slice)
    }

    /// Cluster IPs: 172.30.0.0/16 then 172.31.0.0/16 (unique up to 131k services; added ones above).
    func clusterIP(_ i: Int) -> String {
        let n = i % 1_000_000 + (i >= 1_000_000 ? 120_000 : 0)
        return "172.\(30 + n / 65_536).\(n / 256 % 256).\(n % 256)"
    }

    /// Pod IPs in 10.64.0.0/10 (unique per service index and endpoint).
    func podIP(_ n: UInt64) -> String { "10.\(64 + n / 65_536 % 64).\(n / 256 % 256).\(n % 256)" }

    func externalIP(_ i: Int) -> String { "198.18.\(i / 256 % 256).\(i % 256)" }
    func loadBalancerIP(_ i: Int) -> String { "203.\(i / 65_536 % 256).\(i / 256 % 256).\(i % 256)" }

    /// Node ports by rank among node-port services: first ports 30000-31999, second ports
    /// 32000-32399, health checks 32400-32767 (unique up to 20k services).
    func nodePort(rank: Int, port: Int) -> Int { port == 0 ? 30_000 + rank % 2_000 : 32_000 + rank / 10 % 400 }
}

/// SplitMix64: a tiny, fast, seedable generator (same sequence on every platform).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension ClusterChange {
    /// The events that undo `forward` on `base` (benchmarks alternate a change and its undo).
    public static func reversing(_ forward: [ClusterChange], base: GeneratedCluster) -> [ClusterChange] {
        var services: [String: Service] = [:]
        for s in base.services { services["\(s.metadata.namespace!)/\(s.metadata.name!)"] = s }
        var slices: [String: EndpointSlice] = [:]
        for s in base.slices { slices["\(s.metadata.namespace!)/\(s.metadata.name!)"] = s }
        return forward.map { e in
            switch e {
            case .upsertService(let s):
                let key = "\(s.metadata.namespace!)/\(s.metadata.name!)"
                return services[key].map { .upsertService($0) } ?? .deleteService(namespace: s.metadata.namespace!, name: s.metadata.name!)
            case .upsertSlice(let s):
                let key = "\(s.metadata.namespace!)/\(s.metadata.name!)"
                return slices[key].map { .upsertSlice($0) } ?? .deleteSlice(namespace: s.metadata.namespace!, name: s.metadata.name!)
            case .deleteService(let ns, let name): return .upsertService(services["\(ns)/\(name)"]!)
            case .deleteSlice(let ns, let name): return .upsertSlice(slices["\(ns)/\(name)"]!)
            }
        }
    }
}
