/// `namespace/name:port` + protocol: the key of one service port (kube-proxy's ServicePortName).
public struct ServicePortName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var service: ServiceName
    public var port: String
    public var proto: L4Protocol

    public init(service: ServiceName, port: String, proto: L4Protocol) {
        self.service = service
        self.port = port
        self.proto = proto
    }

    /// `ns/name:port`, or `ns/name` for an unnamed port (Go's ServicePortName.String()).
    public var description: String { port.isEmpty ? service.description : "\(service):\(port)" }

    public static func < (a: ServicePortName, b: ServicePortName) -> Bool {
        (a.service, a.port, a.proto) < (b.service, b.port, b.proto)
    }
}

/// One service port as a single-family kube-proxy sees it (proxy.BaseServicePortInfo).
public struct ServicePortInfo: Hashable, Sendable {
    public var name: ServicePortName
    public var clusterIP: IPAddress
    public var port: Int
    /// 0 = none.
    public var nodePort: Int
    public var externalIPs: [IPAddress]
    public var loadBalancerVIPs: [IPAddress]
    public var loadBalancerSourceRanges: [CIDR]
    /// 0 = none; set only for LoadBalancer services with externalTrafficPolicy Local.
    public var healthCheckNodePort: Int
    public var affinityTimeout: Int?
    public var externalPolicyLocal: Bool
    public var internalPolicyLocal: Bool

    public init(name: ServicePortName, clusterIP: IPAddress, port: Int, nodePort: Int = 0, externalIPs: [IPAddress] = [],
                loadBalancerVIPs: [IPAddress] = [], loadBalancerSourceRanges: [CIDR] = [], healthCheckNodePort: Int = 0,
                affinityTimeout: Int? = nil, externalPolicyLocal: Bool = false, internalPolicyLocal: Bool = false) {
        self.name = name
        self.clusterIP = clusterIP
        self.port = port
        self.nodePort = nodePort
        self.externalIPs = externalIPs
        self.loadBalancerVIPs = loadBalancerVIPs
        self.loadBalancerSourceRanges = loadBalancerSourceRanges
        self.healthCheckNodePort = healthCheckNodePort
        self.affinityTimeout = affinityTimeout
        self.externalPolicyLocal = externalPolicyLocal
        self.internalPolicyLocal = internalPolicyLocal
    }

    public var externallyAccessible: Bool { nodePort != 0 || !loadBalancerVIPs.isEmpty || !externalIPs.isEmpty }
    public var usesClusterEndpoints: Bool { !internalPolicyLocal || externallyAccessible }
    public var usesLocalEndpoints: Bool { internalPolicyLocal || (externalPolicyLocal && externallyAccessible) }

    public var nameString: String { name.description }
    public var protoLower: String { name.proto.lower }
    public var clusterPolicyChain: String { KubeChains.clusterPolicy(nameString, protoLower) }
    public var localPolicyChain: String { KubeChains.localPolicy(nameString, protoLower) }
    public var externalChain: String { KubeChains.external(nameString, protoLower) }
    public var firewallChain: String { KubeChains.firewall(nameString, protoLower) }
}
