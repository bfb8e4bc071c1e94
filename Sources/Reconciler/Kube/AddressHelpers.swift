/// Address helpers kube-proxy's Go code gets from `net` / `netutils`.
extension IPAddress {
    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch self {
        case .v4(let v): return v >> 24 == 127
        case .v6(let b): return b[0..<15].allSatisfy { $0 == 0 } && b[15] == 1
        }
    }

    /// Parses a Kubernetes IP field (`family` tells IPv4 from IPv6 by the presence of `:`).
    public static func kube(_ text: String) -> IPAddress? { IPAddress(text) }
}

extension CIDR {
    /// `/32` or `/128` around one address.
    public static func host(_ ip: IPAddress) -> CIDR { CIDR(address: ip, prefix: ip.bitWidth)! }

    /// Go's `net.ParseCIDR`: `addr/len` only (no bare address, no dotted mask).
    public static func strict(_ text: String) -> CIDR? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy({ ("0"..."9").contains($0) }),
              parts[1].count <= 3 else { return nil }
        return CIDR(text)
    }
}
