/// kube-proxy's `--nodeport-addresses` for one family (proxyutil.NodePortAddresses).
public struct NodePortAddresses: Hashable, Sendable {
    public var cidrs: [CIDR]
    public var matchAll: Bool
    public var containsIPv4Loopback: Bool

    /// Keeps the CIDRs of `family` (`primary` = the primary node IP); none left = match all.
    public init(_ strings: [String], family: IPFamily, primaryNodeIP: IPAddress?) {
        var parsed: [CIDR] = []
        for s in strings {
            if s == "primary" {
                if let ip = primaryNodeIP, ip.family == family { parsed.append(CIDR.host(ip)) }
            } else if let c = CIDR.strict(s), c.family == family {
                parsed.append(c)
            }
        }
        if parsed.isEmpty {
            parsed = [CIDR(family == .ipv4 ? "0.0.0.0/0" : "::/0")!]
        }
        var loop = false, all = false
        var kept: [CIDR] = []
        let loopStart = IPAddress("127.0.0.0")!
        for c in parsed {
            if c.family == .ipv4 && (c.address.isLoopback || c.contains(loopStart)) { loop = true }
            if c.prefix == 0 { kept = [c]; all = true; break }
            kept.append(c)
        }
        self.cidrs = kept
        self.matchAll = all
        self.containsIPv4Loopback = loop
    }

    /// Node IPs matched by the CIDRs, deduplicated, in address order.
    public func nodeIPs(from addresses: [IPAddress]) -> [IPAddress] {
        Array(Set(addresses.filter { ip in cidrs.contains { $0.contains(ip) } })).sorted()
    }
}
