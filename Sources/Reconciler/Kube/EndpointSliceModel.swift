/// A validated EndpointSlice: the service it belongs to, its usable ports and endpoints.
public struct EndpointSliceModel: Hashable, Sendable {
    public struct Port: Hashable, Sendable {
        public var name: String
        public var proto: L4Protocol
        public var port: Int
    }

    public struct Endpoint: Hashable, Sendable {
        /// kube-proxy uses only the first address; canonical (chain-name hashes, comments and DNAT
        /// targets print it, never the text as written).
        public var address: IPAddress
        public var nodeName: String?
        public var zone: String?
        public var ready: Bool
        public var serving: Bool
        public var terminating: Bool
        public var zoneHints: Set<String>
        public var nodeHints: Set<String>
    }

    public var name: String
    public var service: ServiceName
    public var addressFamily: IPFamily
    public var ports: [Port]
    public var endpoints: [Endpoint]
}
