/// The IP families a node proxies, each with its own settings, and kube-proxy's non-fatal
/// complaints about settings of the wrong family.
public struct NodeFamilies: Hashable, Sendable {
    /// One per family, IPv4 first.
    public var settings: [ProxySettings]
    /// The family of the node IP (kube-proxy's primary family).
    public var primary: IPFamily
    /// What kube-proxy logs as errors at start-up but runs with (`checkBadConfig`/`checkBadIPConfig`).
    public var warnings: [String]

    public var families: [IPFamily] { settings.map(\.ipFamily) }
    public var isDualStack: Bool { settings.count > 1 }

    /// The settings of `family` (nil: the node does not proxy it).
    public func settings(for family: IPFamily) -> ProxySettings? { settings.first { $0.ipFamily == family } }
}

extension ProxySettingsInput {
    /// `--ip-family` when given; else the families of the node's addresses (`nodeIPs`, the flags'
    /// or the node object's); IPv4 when none is known. IPv4 first.
    public func families() throws -> [IPFamily] {
        if let explicit = ipFamily { return [try Self.family(explicit)] }
        let present = Set(try parsedNodeIPs().map(\.family))
        let families = IPFamily.allCases.filter(present.contains)
        return families.isEmpty ? [.ipv4] : families
    }

    /// kube-proxy's primary family: `--ip-family` when given, else the first node IP's (IPv4 without one).
    public func primaryFamily() throws -> IPFamily {
        if let explicit = ipFamily { return try Self.family(explicit) }
        return try parsedNodeIPs().first?.family ?? .ipv4
    }

    /// Validates and applies kube-proxy's defaults for every family the node proxies. As in
    /// kube-proxy, a setting whose CIDRs are all of the other family is fatal on a single-stack
    /// node for local-traffic detection, and only a warning otherwise.
    public func resolveFamilies() throws -> NodeFamilies {
        let families = try families()
        let primary = try primaryFamily()
        let settings = try families.map { try resolve(family: $0) }
        let stack = families.count > 1 ? "dual-stack" : "\(Self.name(primary))-only"
        let other: IPFamily = primary == .ipv4 ? .ipv6 : .ipv4
        var warnings: [String] = []
        func check(_ list: [String]?, _ flag: String, _ field: String, fatal: Bool) throws {
            let cidrs = try Self.cidrs(list?.filter { $0 != "primary" }, flag)
            guard !cidrs.isEmpty, cidrs.allSatisfy({ $0.family == other }) else { return }
            let message = "cluster is \(stack) but \(field) contains only \(Self.name(other)) addresses"
            if fatal && families.count == 1 { throw SettingsError(setting: flag, message: message) }
            warnings.append(message)
        }
        let mode = detectLocalMode ?? "ClusterCIDR"
        try check(clusterCIDRs, "--cluster-cidr", "clusterCIDRs", fatal: mode == "ClusterCIDR" || mode.isEmpty)
        try check(podCIDRs, "--pod-cidr", "podCIDRs", fatal: mode == "NodeCIDR")
        try check(nodePortAddresses, "--nodeport-addresses", "nodePortAddresses", fatal: false)
        let given = try Self.cidrs(clusterCIDRs, "--cluster-cidr")
        if mode == "ClusterCIDR" || mode.isEmpty, families.count > 1, given.contains(where: { $0.family == primary }) {
            for family in families where !given.contains(where: { $0.family == family }) {
                warnings.append("no \(Self.name(family)) cluster CIDR: \(Self.name(family)) traffic from pods is not told apart from other traffic")
            }
        }
        return NodeFamilies(settings: settings, primary: primary, warnings: warnings)
    }

    static func family(_ text: String) throws -> IPFamily {
        switch text.lowercased() {
        case "ipv4", "4": return .ipv4
        case "ipv6", "6": return .ipv6
        default: throw SettingsError(setting: "--ip-family", message: "want ipv4 or ipv6, got \(text)")
        }
    }

    static func name(_ family: IPFamily) -> String { family == .ipv4 ? "IPv4" : "IPv6" }

    func parsedNodeIPs() throws -> [IPAddress] {
        try (nodeIPs ?? []).map { t in
            guard let ip = IPAddress.kube(t) else { throw SettingsError(setting: "--node-ip", message: "invalid IP \(t)") }
            return ip
        }
    }
}
