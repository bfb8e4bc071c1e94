/// `v1 Service`, only the fields kube-proxy uses.
public struct Service: Codable, Hashable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec, status: Status? = nil) {
        self.apiVersion = "v1"
        self.kind = "Service"
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public struct Spec: Codable, Hashable, Sendable {
        public var type: String?
        public var clusterIP: String?
        public var clusterIPs: [String]?
        /// `IPv4`/`IPv6`, in the order of `clusterIPs`.
        public var ipFamilies: [String]?
        public var ports: [Port]?
        public var externalIPs: [String]?
        public var sessionAffinity: String?
        public var sessionAffinityConfig: SessionAffinityConfig?
        public var externalTrafficPolicy: String?
        public var internalTrafficPolicy: String?
        public var healthCheckNodePort: Int?
        public var loadBalancerSourceRanges: [String]?

        public init(type: String? = nil, clusterIP: String? = nil, clusterIPs: [String]? = nil,
                    ports: [Port]? = nil, externalIPs: [String]? = nil, sessionAffinity: String? = nil,
                    sessionAffinityConfig: SessionAffinityConfig? = nil, externalTrafficPolicy: String? = nil,
                    internalTrafficPolicy: String? = nil, healthCheckNodePort: Int? = nil,
                    loadBalancerSourceRanges: [String]? = nil) {
            self.type = type
            self.clusterIP = clusterIP
            self.clusterIPs = clusterIPs
            self.ports = ports
            self.externalIPs = externalIPs
            self.sessionAffinity = sessionAffinity
            self.sessionAffinityConfig = sessionAffinityConfig
            self.externalTrafficPolicy = externalTrafficPolicy
            self.internalTrafficPolicy = internalTrafficPolicy
            self.healthCheckNodePort = healthCheckNodePort
            self.loadBalancerSourceRanges = loadBalancerSourceRanges
        }
    }

    public struct Port: Codable, Hashable, Sendable {
        public var name: String?
        public var `protocol`: String?
        public var port: Int?
        public var targetPort: IntOrString?
        public var nodePort: Int?

        public init(name: String? = nil, protocol: String? = nil, port: Int? = nil,
                    targetPort: IntOrString? = nil, nodePort: Int? = nil) {
            self.name = name
            self.protocol = `protocol`
            self.port = port
            self.targetPort = targetPort
            self.nodePort = nodePort
        }
    }

    public struct SessionAffinityConfig: Codable, Hashable, Sendable {
        public var clientIP: ClientIPConfig?
        public init(clientIP: ClientIPConfig? = nil) { self.clientIP = clientIP }
    }

    public struct ClientIPConfig: Codable, Hashable, Sendable {
        public var timeoutSeconds: Int?
        public init(timeoutSeconds: Int? = nil) { self.timeoutSeconds = timeoutSeconds }
    }

    public struct Status: Codable, Hashable, Sendable {
        public var loadBalancer: LoadBalancerStatus?
        public init(loadBalancer: LoadBalancerStatus? = nil) { self.loadBalancer = loadBalancer }
    }

    public struct LoadBalancerStatus: Codable, Hashable, Sendable {
        public var ingress: [Ingress]?
        public init(ingress: [Ingress]? = nil) { self.ingress = ingress }
    }

    public struct Ingress: Codable, Hashable, Sendable {
        public var ip: String?
        public var hostname: String?
        /// `VIP` (default) or `Proxy`; kube-proxy programs only VIP-mode ingress IPs.
        public var ipMode: String?
        public init(ip: String? = nil, hostname: String? = nil, ipMode: String? = nil) {
            self.ip = ip
            self.hostname = hostname
            self.ipMode = ipMode
        }
    }
}
