/// kube-proxy settings as given (flags and/or a KubeProxyConfiguration), before validation.
/// nil means "not given"; `resolve` applies kube-proxy's defaults.
public struct ProxySettingsInput: Hashable, Sendable {
    public var hostnameOverride: String?
    public var clusterCIDRs: [String]?
    public var detectLocalMode: String?
    public var bridgeInterface: String?
    public var interfaceNamePrefix: String?
    /// The node's pod CIDRs (node.spec.podCIDRs), for `NodeCIDR` mode.
    public var podCIDRs: [String]?
    public var masqueradeAll: Bool?
    public var masqueradeBit: Int?
    public var nodePortAddresses: [String]?
    public var localhostNodePorts: Bool?
    public var nodeIPs: [String]?
    public var ipFamily: String?
    public var randomFully: Bool?
    public var nfacct: Bool?
    public var conntrackTCPLiberal: Bool?
    public var topologyZone: String?
    public var featureGates: [String: Bool]?

    public init() {}

    /// kube-proxy's precedence (cmd/kube-proxy/app/options.go): with `--config`, the file's
    /// values win and the flags of the same settings are ignored, except `--hostname-override`;
    /// settings the file cannot hold (ours: node IPs, family, detected capabilities) come from
    /// the flags.
    public func underConfig(_ config: ProxySettingsInput) -> ProxySettingsInput {
        var r = config
        r.hostnameOverride = hostnameOverride ?? config.hostnameOverride
        r.nodeIPs = nodeIPs ?? config.nodeIPs
        r.ipFamily = ipFamily
        r.podCIDRs = podCIDRs
        r.randomFully = randomFully
        r.nfacct = nfacct
        r.topologyZone = topologyZone
        r.conntrackTCPLiberal = (config.conntrackTCPLiberal ?? false) || (conntrackTCPLiberal ?? false) ? true : nil
        return r
    }

    /// The settings a KubeProxyConfiguration file gives.
    public init(config c: KubeProxyConfiguration) {
        hostnameOverride = c.hostnameOverride.flatMap { $0.isEmpty ? nil : $0 }
        if let cidrs = c.detectLocal?.clusterCIDRs, !cidrs.isEmpty {
            clusterCIDRs = cidrs
        } else {
            clusterCIDRs = c.clusterCIDR.flatMap { $0.isEmpty ? nil : [$0] }
        }
        if let bind = c.bindAddress, let ip = IPAddress.kube(bind), ip.bytes.contains(where: { $0 != 0 }) {
            nodeIPs = [ip.description]
        }
        conntrackTCPLiberal = c.conntrack?.tcpBeLiberal
        detectLocalMode = c.detectLocalMode.flatMap { $0.isEmpty ? nil : $0 }
        bridgeInterface = c.detectLocal?.bridgeInterface
        interfaceNamePrefix = c.detectLocal?.interfaceNamePrefix
        masqueradeAll = c.iptables?.masqueradeAll
        masqueradeBit = c.iptables?.masqueradeBit
        localhostNodePorts = c.iptables?.localhostNodePorts
        nodePortAddresses = c.nodePortAddresses
        featureGates = c.featureGates
    }
}

/// A setting kube-proxy would refuse.
public struct SettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    public var setting: String
    public var message: String
    public var description: String { "\(setting): \(message)" }
}

extension ProxySettingsInput {
    /// The settings of the primary family (`primaryFamily()`), validated with kube-proxy's
    /// defaults; `resolveFamilies()` gives every family a node proxies.
    public func resolve() throws -> ProxySettings { try resolve(family: try primaryFamily()) }

    /// Validates and applies kube-proxy's defaults for `family` (masquerade bit 14, localhost
    /// NodePorts on, ClusterCIDR local detection; `--random-fully` and nfacct on, as kube-proxy
    /// finds them on iptables >= 1.6.2 with nfnetlink_acct).
    public func resolve(family: IPFamily) throws -> ProxySettings {
        let bit = masqueradeBit ?? 14
        guard (0...31).contains(bit) else { throw SettingsError(setting: "--iptables-masquerade-bit", message: "\(bit) not in 0-31") }
        let ips = try parsedNodeIPs()
        for a in nodePortAddresses ?? [] where a != "primary" && CIDR.strict(a) == nil {
            throw SettingsError(setting: "--nodeport-addresses", message: "invalid CIDR \(a)")
        }
        return ProxySettings(
            nodeName: hostnameOverride ?? "", ipFamily: family, nodeIPs: ips, localDetector: try detector(family),
            masqueradeAll: masqueradeAll ?? false, masqueradeBit: bit, nodePortAddresses: nodePortAddresses ?? [],
            localhostNodePorts: localhostNodePorts ?? true, randomFully: randomFully ?? true, nfacct: nfacct ?? true,
            conntrackTCPLiberal: conntrackTCPLiberal ?? false, topologyZone: topologyZone,
            preferSameTrafficDistribution: featureGates?["PreferSameTrafficDistribution"] ?? true)
    }

    static func cidrs(_ list: [String]?, _ flag: String) throws -> [CIDR] {
        try (list ?? []).flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }.map {
            guard let c = CIDR.strict($0) else { throw SettingsError(setting: flag, message: "invalid CIDR \($0)") }
            return c
        }
    }

    func detector(_ family: IPFamily) throws -> LocalTrafficDetector {
        switch detectLocalMode ?? "ClusterCIDR" {
        case "ClusterCIDR", "":
            return try Self.cidrs(clusterCIDRs, "--cluster-cidr").first { $0.family == family }.map { .cidr($0) } ?? .none
        case "NodeCIDR":
            return try Self.cidrs(podCIDRs, "--pod-cidr").first { $0.family == family }.map { .cidr($0) } ?? .none
        case "BridgeInterface":
            guard let b = bridgeInterface, !b.isEmpty else {
                throw SettingsError(setting: "--pod-bridge-interface", message: "required with --detect-local-mode=BridgeInterface")
            }
            return .bridgeInterface(b)
        case "InterfaceNamePrefix":
            guard let p = interfaceNamePrefix, !p.isEmpty else {
                throw SettingsError(setting: "--pod-interface-name-prefix", message: "required with --detect-local-mode=InterfaceNamePrefix")
            }
            return .interfaceNamePrefix(p)
        case let other:
            throw SettingsError(setting: "--detect-local-mode", message: "unknown mode \(other)")
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}
