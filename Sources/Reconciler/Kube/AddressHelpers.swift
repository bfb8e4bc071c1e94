/// Address helpers kube-proxy's Go code gets from `net` / `netutils`.
extension IPAddress {
    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch self {
        case .v4(let v): return v >> 24 == 127
        case .v6(let b): return b[0..<15].allSatisfy { $0 == 0 } && b[15] == 1
        }
    }

    /// Parses an address from any Kubernetes input (object fields, flags, configuration) the way
    /// kube-proxy's `netutils.ParseIPSloppy` does, into the one canonical value everything
    /// downstream uses: IPv4 parts with leading zeros are decimal (`010.009.000.014` = 10.9.0.14),
    /// IPv6 hex digits of either case, and an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is the
    /// IPv4 address, as Go's `net.IP` treats it.
    public static func kube(_ text: some StringProtocol) -> IPAddress? {
        if text.contains(":") {
            guard !text.contains("%"), let ip = IPAddress(text) else { return nil }
            return ip.unmappedIPv4 ?? ip
        }
        return sloppyV4(Substring(text)).map(IPAddress.v4)
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else nil.
    public var unmappedIPv4: IPAddress? {
        guard case .v6(let b) = self, b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xff, b[11] == 0xff else { return nil }
        return IPAddress(bytes: Array(b[12..<16]))
    }

    /// Four decimal parts of any length whose values are ≤ 255 (Go 1.16's parser, kept by
    /// `ParseIPSloppy`).
    private static func sloppyV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            let digits = part.drop { $0 == "0" }
            guard digits.count <= 3, let octet = UInt32(digits.isEmpty ? "0" : digits), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }
}

extension CIDR {
    /// `/32` or `/128` around one address.
    public static func host(_ ip: IPAddress) -> CIDR { CIDR(address: ip, prefix: ip.bitWidth)! }

    /// Go's `net.ParseCIDR`: `addr/len` only (no bare address, no dotted mask).
    public static func strict(_ text: String) -> CIDR? { kube(text) }

    /// Parses a CIDR from any Kubernetes input as `netutils.ParseCIDRSloppy` does: `addr/len` only
    /// (no bare address, no dotted mask), the address read by `IPAddress.kube`, host bits cleared.
    /// An IPv4-mapped IPv6 network of prefix ≥ 96 is the IPv4 network.
    public static func kube(_ text: some StringProtocol) -> CIDR? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].count <= 3,
              parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) }), let length = Int(parts[1]) else { return nil }
        guard text.contains(":") else {
            guard let ip = IPAddress.kube(parts[0]) else { return nil }
            return CIDR(address: ip, prefix: length)
        }
        guard !parts[0].contains("%"), let ip = IPAddress(parts[0]) else { return nil }
        if let v4 = ip.unmappedIPv4, length >= 96 { return CIDR(address: v4, prefix: length - 96) }
        return CIDR(address: ip, prefix: length)
    }
}
