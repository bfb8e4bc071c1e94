/// `discovery.k8s.io/v1 EndpointSlice`, only the fields kube-proxy uses.
public struct EndpointSlice: Codable, Hashable, Sendable {
    /// Label naming the Service a slice belongs to.
    public static let serviceNameLabel = "kubernetes.io/service-name"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var addressType: String?
    public var endpoints: [Endpoint]?
    public var ports: [Port]?

    public init(metadata: ObjectMeta, addressType: String?, endpoints: [Endpoint]?, ports: [Port]?) {
        self.apiVersion = "discovery.k8s.io/v1"
        self.kind = "EndpointSlice"
        self.metadata = metadata
        self.addressType = addressType
        self.endpoints = endpoints
        self.ports = ports
    }

    public struct Endpoint: Codable, Hashable, Sendable {
        public var addresses: [String]?
        public var conditions: Conditions?
        public var nodeName: String?
        public var zone: String?
        public var hints: Hints?

        public init(addresses: [String]?, conditions: Conditions? = nil, nodeName: String? = nil,
                    zone: String? = nil, hints: Hints? = nil) {
            self.addresses = addresses
            self.conditions = conditions
            self.nodeName = nodeName
            self.zone = zone
            self.hints = hints
        }
    }

    /// nil `ready`/`serving` mean true; nil `terminating` means false (kube-proxy's reading).
    public struct Conditions: Codable, Hashable, Sendable {
        public var ready: Bool?
        public var serving: Bool?
        public var terminating: Bool?
        public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
            self.ready = ready
            self.serving = serving
            self.terminating = terminating
        }
    }

    public struct Hints: Codable, Hashable, Sendable {
        public var forZones: [NamedHint]?
        public var forNodes: [NamedHint]?
        public init(forZones: [NamedHint]? = nil, forNodes: [NamedHint]? = nil) {
            self.forZones = forZones
            self.forNodes = forNodes
        }
    }

    public struct NamedHint: Codable, Hashable, Sendable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct Port: Codable, Hashable, Sendable {
        public var name: String?
        public var `protocol`: String?
        public var port: Int?
        public init(name: String? = nil, protocol: String? = nil, port: Int? = nil) {
            self.name = name
            self.protocol = `protocol`
            self.port = port
        }
    }

    /// `namespace/<service-name label>`, or nil when the label is missing or empty.
    public var serviceName: ServiceName? {
        guard let ns = metadata.namespace, !ns.isEmpty,
              let svc = metadata.labels?[EndpointSlice.serviceNameLabel], !svc.isEmpty else { return nil }
        return ServiceName(namespace: ns, name: svc)
    }
}
