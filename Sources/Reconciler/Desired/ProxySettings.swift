/// How kube-proxy tells pod traffic from other traffic (`--detect-local-mode`).
public enum LocalTrafficDetector: Hashable, Sendable {
    /// No detector (ClusterCIDR mode without a CIDR of this family).
    case none
    /// `ClusterCIDR` / `NodeCIDR` mode: `-s cidr` / `! -s cidr`.
    case cidr(CIDR)
    /// `BridgeInterface` mode: `-i name` / `! -i name`.
    case bridgeInterface(String)
    /// `InterfaceNamePrefix` mode: `-i prefix+` / `! -i prefix+`.
    case interfaceNamePrefix(String)

    public var isImplemented: Bool { self != .none }
}

/// The kube-proxy settings that shape the iptables ruleset of one IP family, including what
/// kube-proxy detects at run time (node addresses, `--random-fully`, nfacct, tcp_be_liberal).
public struct ProxySettings: Hashable, Sendable {
    public var nodeName: String
    public var ipFamily: IPFamily
    /// The node's local addresses (all families; the proxier uses those of `ipFamily`).
    public var nodeIPs: [IPAddress]
    public var localDetector: LocalTrafficDetector
    public var masqueradeAll: Bool
    /// `--iptables-masquerade-bit` (0-31, default 14).
    public var masqueradeBit: Int
    /// `--nodeport-addresses` (CIDRs or `primary`); empty = all local addresses.
    public var nodePortAddresses: [String]
    public var localhostNodePorts: Bool
    public var randomFully: Bool
    /// Both kube-proxy nfacct counters exist (`ct_state_invalid_dropped_pkts`, `localhost_nps_accepted_pkts`).
    public var nfacct: Bool
    /// `net.netfilter.nf_conntrack_tcp_be_liberal` is set: no INVALID drop rule.
    public var conntrackTCPLiberal: Bool
    /// The node's `topology.kubernetes.io/zone` label, for topology hints.
    public var topologyZone: String?
    /// Feature gate PreferSameTrafficDistribution (node hints).
    public var preferSameTrafficDistribution: Bool
    /// Above this many endpoints, rules drop their per-endpoint comments (kube-proxy: 1000).
    public var largeClusterEndpointsThreshold: Int

    public init(nodeName: String = "", ipFamily: IPFamily = .ipv4, nodeIPs: [IPAddress] = [],
                localDetector: LocalTrafficDetector = .none, masqueradeAll: Bool = false,
                masqueradeBit: Int = 14, nodePortAddresses: [String] = [], localhostNodePorts: Bool = true,
                randomFully: Bool = false, nfacct: Bool = false, conntrackTCPLiberal: Bool = false,
                topologyZone: String? = nil, preferSameTrafficDistribution: Bool = true,
                largeClusterEndpointsThreshold: Int = 1000) {
        self.nodeName = nodeName
        self.ipFamily = ipFamily
        self.nodeIPs = nodeIPs
        self.localDetector = localDetector
        self.masqueradeAll = masqueradeAll
        self.masqueradeBit = masqueradeBit
        self.nodePortAddresses = nodePortAddresses
        self.localhostNodePorts = localhostNodePorts
        self.randomFully = randomFully
        self.nfacct = nfacct
        self.conntrackTCPLiberal = conntrackTCPLiberal
        self.topologyZone = topologyZone
        self.preferSameTrafficDistribution = preferSameTrafficDistribution
        self.largeClusterEndpointsThreshold = largeClusterEndpointsThreshold
    }

    /// The masquerade mark value, `1 << masqueradeBit`.
    public var masqueradeMark: UInt32 { UInt32(1) << UInt32(masqueradeBit) }

    /// The node IP kube-proxy uses for the LB source-range self check: first node IP of the family.
    public var primaryNodeIP: IPAddress? { nodeIPs.first { $0.family == ipFamily } }

    public static let ctStateInvalidCounter = "ct_state_invalid_dropped_pkts"
    public static let localhostNodePortCounter = "localhost_nps_accepted_pkts"
}
