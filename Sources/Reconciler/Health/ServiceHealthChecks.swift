/// The health-check node ports a node serves (kube-proxy's ServiceHealthServer inputs): every
/// LoadBalancer Service with `externalTrafficPolicy: Local` and a `healthCheckNodePort`, with the
/// number of its endpoints a load balancer may send to this node.
public enum ServiceHealthChecks {
    /// One Service's health-check port and its local endpoint count.
    public struct Target: Hashable, Sendable {
        public var service: ServiceName
        public var port: Int
        /// Distinct addresses of the Service's endpoints (of the family, over all its ports) that
        /// are ready and on this node (`EndpointsMap.LocalReadyEndpoints`). Serving-terminating
        /// endpoints do not count (there is no fallback here, unlike the rules): a node with only
        /// terminating endpoints must fail its check so the load balancer drains it.
        public var localEndpoints: Int

        public init(service: ServiceName, port: Int, localEndpoints: Int) {
            self.service = service
            self.port = port
            self.localEndpoints = localEndpoints
        }
    }

    /// The targets of one family's proxier: Services that have a cluster IP of `family`, and
    /// endpoints from that family's slices. `nodeName` empty: no endpoint is local.
    public static func targets(services: some Sequence<ServiceModel>, slices: some Sequence<EndpointSliceModel>,
                               family: IPFamily, nodeName: String) -> [ServiceName: Target] {
        var out: [ServiceName: Target] = [:]
        for service in services where needsHealthCheck(service) && service.clusterIP(for: family) != nil {
            out[service.name] = Target(service: service.name, port: service.healthCheckNodePort, localEndpoints: 0)
        }
        guard !out.isEmpty, !nodeName.isEmpty else { return out }
        var local: [ServiceName: Set<IPAddress>] = [:]
        for slice in slices where slice.addressFamily == family && out[slice.service] != nil && !slice.ports.isEmpty {
            for endpoint in slice.endpoints where endpoint.ready && endpoint.nodeName == nodeName {
                local[slice.service, default: []].insert(endpoint.address)
            }
        }
        for (name, addresses) in local { out[name]?.localEndpoints = addresses.count }
        return out
    }

    /// `apiservice.NeedsHealthCheck` and a port to serve it on.
    public static func needsHealthCheck(_ service: ServiceModel) -> Bool {
        service.kind == .loadBalancer && service.externalTrafficPolicyLocal && service.healthCheckNodePort != 0
    }
}

extension ServiceHealthChecks {
    /// kube-proxy's `sync_proxy_rules_no_local_endpoints_total`: service ports whose internal /
    /// external traffic policy is Local and that have no usable endpoint on this node (ready, or
    /// serving-terminating when none is ready), counted per policy.
    public static func portsWithoutLocalEndpoints(services: some Sequence<ServiceModel>, slices: some Sequence<EndpointSliceModel>,
                                                  family: IPFamily, nodeName: String) -> (internal: Int, external: Int) {
        let local = services.filter {
            ($0.internalTrafficPolicyLocal || $0.externalPolicyLocal) && $0.clusterIP(for: family) != nil
        }
        guard !local.isEmpty else { return (0, 0) }
        let names = Set(local.map(\.name))
        var usable: [ServiceName: [String: (ready: Bool, fallback: Bool)]] = [:]
        for slice in slices where slice.addressFamily == family && names.contains(slice.service) {
            for port in slice.ports {
                for e in slice.endpoints where !nodeName.isEmpty && e.nodeName == nodeName {
                    var seen = usable[slice.service, default: [:]][port.name] ?? (false, false)
                    seen.ready = seen.ready || e.ready
                    seen.fallback = seen.fallback || (e.serving && e.terminating)
                    usable[slice.service, default: [:]][port.name] = seen
                }
            }
        }
        var internalCount = 0, externalCount = 0
        for service in local {
            for port in service.ports {
                let seen = usable[service.name]?[port.name]
                guard !(seen?.ready ?? false) && !(seen?.fallback ?? false) else { continue }
                if service.internalTrafficPolicyLocal { internalCount += 1 }
                if service.externalPolicyLocal { externalCount += 1 }
            }
        }
        return (internalCount, externalCount)
    }
}
