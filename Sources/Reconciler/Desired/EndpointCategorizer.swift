/// The endpoints a service port uses per traffic policy (proxy.CategorizeEndpoints).
public struct CategorizedEndpoints: Hashable, Sendable {
    /// Endpoints for Cluster policy (topology applied); empty if the port never uses Cluster policy.
    public var cluster: [EndpointInfo] = []
    /// Endpoints for Local policy; empty if the port never uses Local policy.
    public var local: [EndpointInfo] = []
    /// Union of the two: the endpoints that get a KUBE-SEP chain.
    public var allReachable: [EndpointInfo] = []
    /// True if the service has usable endpoints anywhere in the cluster.
    public var hasAnyEndpoints = false
}

public enum EndpointCategorizer {
    /// Ready endpoints by default, falling back to serving+terminating ones (separately for
    /// Cluster and Local); zone/node hints narrow Cluster endpoints when every ready endpoint has them.
    public static func categorize(_ endpoints: [EndpointInfo], _ svc: ServicePortInfo,
                                  settings: ProxySettings) -> CategorizedEndpoints {
        var r = CategorizedEndpoints()
        if endpoints.isEmpty { return r }
        var topology = TopologyMode.none
        if svc.usesClusterEndpoints {
            topology = topologyMode(endpoints, settings: settings)
            r.cluster = endpoints.filter { $0.ready && topology.allows($0, settings) }
            if r.cluster.isEmpty { r.cluster = endpoints.filter { $0.serving && $0.terminating } }
            r.hasAnyEndpoints = !r.cluster.isEmpty
        }
        if !svc.usesLocalEndpoints { r.allReachable = r.cluster; return r }
        var localReady = false, localServingTerminating = false
        for ep in endpoints {
            if ep.ready { r.hasAnyEndpoints = true; localReady = localReady || ep.isLocal }
            else if ep.serving && ep.terminating { r.hasAnyEndpoints = true; localServingTerminating = localServingTerminating || ep.isLocal }
        }
        var usedTerminating = false
        if localReady {
            r.local = endpoints.filter { $0.isLocal && $0.ready }
        } else if localServingTerminating {
            usedTerminating = true
            r.local = endpoints.filter { $0.isLocal && $0.serving && $0.terminating }
        }
        if !svc.usesClusterEndpoints { r.allReachable = r.local; return r }
        if topology == .none && !usedTerminating { r.allReachable = r.cluster; return r }
        var merged: [String: EndpointInfo] = [:]
        for ep in r.cluster + r.local { merged[ep.string] = ep }
        r.allReachable = merged.values.sorted { $0.string < $1.string }
        return r
    }

    enum TopologyMode: Equatable {
        case none, sameZone, sameNode

        func allows(_ ep: EndpointInfo, _ s: ProxySettings) -> Bool {
            switch self {
            case .none: return true
            case .sameNode: return ep.nodeHints.contains(s.nodeName)
            case .sameZone: return ep.zoneHints.contains(s.topologyZone ?? "")
            }
        }
    }

    /// topologyModeFromHints: node hints (feature gate) first, then zone hints.
    static func topologyMode(_ endpoints: [EndpointInfo], settings s: ProxySettings) -> TopologyMode {
        let ready = endpoints.filter(\.ready)
        if ready.isEmpty { return .none }
        let zone = s.topologyZone ?? ""
        if s.preferSameTrafficDistribution && ready.allSatisfy({ !$0.nodeHints.isEmpty })
            && ready.contains(where: { $0.nodeHints.contains(s.nodeName) }) {
            return .sameNode
        }
        if ready.allSatisfy({ !$0.zoneHints.isEmpty }) && ready.contains(where: { $0.zoneHints.contains(zone) }) {
            return .sameZone
        }
        return .none
    }
}
