/// A validated Service: parsed addresses and policies, independent of the proxier's IP family.
public struct ServiceModel: Hashable, Sendable {
    public enum Kind: String, Sendable, Hashable { case clusterIP = "ClusterIP", nodePort = "NodePort", loadBalancer = "LoadBalancer" }

    public struct Port: Hashable, Sendable {
        public var name: String
        public var proto: L4Protocol
        public var port: Int
        /// 0 when the port has no node port.
        public var nodePort: Int
    }

    public var name: ServiceName
    public var kind: Kind
    /// Cluster IPs (`clusterIPs`, or `clusterIP` alone), at most one per family.
    public var clusterIPs: [IPAddress]
    public var ports: [Port]
    public var externalIPs: [IPAddress]
    /// VIP-mode load balancer ingress IPs.
    public var loadBalancerIPs: [IPAddress]
    public var loadBalancerSourceRanges: [CIDR]
    /// Session affinity timeout in seconds when affinity is ClientIP, else nil.
    public var affinityTimeout: Int?
    public var externalTrafficPolicyLocal: Bool
    public var internalTrafficPolicyLocal: Bool
    public var healthCheckNodePort: Int

    /// True when the service is reachable other than by cluster IP (apiservice.ExternallyAccessible).
    public var externallyAccessible: Bool {
        kind == .loadBalancer || kind == .nodePort || (kind == .clusterIP && !externalIPs.isEmpty)
    }

    /// externalTrafficPolicy Local, effective only for externally accessible services.
    public var externalPolicyLocal: Bool { externallyAccessible && externalTrafficPolicyLocal }

    /// The cluster IP of `family`, if any (proxyutil.GetClusterIPByFamily).
    public func clusterIP(for family: IPFamily) -> IPAddress? { clusterIPs.first { $0.family == family } }

    /// The service ports kube-proxy's `family` proxier would track (empty if no cluster IP of that family).
    public func servicePorts(for family: IPFamily) -> [ServicePortInfo] {
        guard let cip = clusterIP(for: family) else { return [] }
        let hc = (kind == .loadBalancer && externalPolicyLocal) ? healthCheckNodePort : 0
        return ports.map { p in
            ServicePortInfo(
                name: ServicePortName(service: name, port: p.name, proto: p.proto),
                clusterIP: cip, port: p.port, nodePort: p.nodePort,
                externalIPs: externalIPs.filter { $0.family == family },
                loadBalancerVIPs: loadBalancerIPs.filter { $0.family == family },
                loadBalancerSourceRanges: loadBalancerSourceRanges.filter { $0.family == family },
                healthCheckNodePort: hc, affinityTimeout: affinityTimeout,
                externalPolicyLocal: externalPolicyLocal, internalPolicyLocal: internalTrafficPolicyLocal)
        }
    }
}
