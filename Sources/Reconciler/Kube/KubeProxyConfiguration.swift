/// `kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration`, only the fields that shape the
/// iptables ruleset.
public struct KubeProxyConfiguration: Codable, Hashable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var hostnameOverride: String?
    /// Comma-separated CIDRs.
    public var clusterCIDR: String?
    public var detectLocalMode: String?
    public var detectLocal: DetectLocal?
    public var iptables: IPTables?
    public var nodePortAddresses: [String]?
    public var featureGates: [String: Bool]?
    public var mode: String?
    /// The node's IP when not 0.0.0.0/:: (kube-proxy's node IP source of last resort).
    public var bindAddress: String?
    public var conntrack: Conntrack?

    public init() {}

    public struct DetectLocal: Codable, Hashable, Sendable {
        public var bridgeInterface: String?
        public var interfaceNamePrefix: String?
        /// v1alpha2's replacement of `clusterCIDR`.
        public var clusterCIDRs: [String]?
    }

    /// The conntrack field that shapes the rules (the rest drives the agent's sysctls).
    public struct Conntrack: Codable, Hashable, Sendable {
        public var tcpBeLiberal: Bool?
    }

    public struct IPTables: Codable, Hashable, Sendable {
        public var masqueradeAll: Bool?
        public var masqueradeBit: Int?
        public var localhostNodePorts: Bool?
    }
}
