/// An IPv4 or IPv6 address, parsed without C (Go `netip`/`net.ParseIP` rules) and printed in
/// Go's canonical form (`net.IP.String()`: dotted quad, RFC 5952 IPv6).
public struct IPAddr: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a textual address. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is turned into IPv4, as Go does.
    public init?(_ text: String) {
        if text.contains(":") {
            guard let b = IPAddr.parseV6(Substring(text)) else { return nil }
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff {
                self.bytes = Array(b[12..<16])
            } else {
                self.bytes = b
            }
        } else {
            guard let b = IPAddr.parseV4(Substring(text)) else { return nil }
            self.bytes = b
        }
    }

    public var family: IPFamily { bytes.count == 4 ? .ipv4 : .ipv6 }
    public var isIPv6: Bool { bytes.count == 16 }

    public var isLoopback: Bool {
        if bytes.count == 4 { return bytes[0] == 127 }
        return bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
    }

    public var description: String { isIPv6 ? formatV6() : bytes.map(String.init).joined(separator: ".") }

    public static func < (a: IPAddr, b: IPAddr) -> Bool {
        if a.bytes.count != b.bytes.count { return a.bytes.count < b.bytes.count }
        return a.bytes.lexicographicallyPrecedes(b.bytes)
    }

    static func parseV4(_ s: Substring) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let v = Int(p), v <= 255 else { return nil }
            out.append(UInt8(v))
        }
        return out
    }

    static func parseV6(_ s: Substring) -> [UInt8]? {
        var text = s
        var tail: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseV4(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            text = text[...lastColon]
            if text.hasSuffix("::") { } else { text = text.dropLast() }
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ h: String) -> [UInt16]? {
            if h.isEmpty { return [] }
            var out: [UInt16] = []
            for g in h.split(separator: ":", omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        let rest = halves.count == 2 ? groups(halves[1]) : []
        guard let back = rest else { return nil }
        let have = head.count + back.count + tail.count / 2
        if halves.count == 1 { guard have == 8 else { return nil } } else { guard have < 8 else { return nil } }
        let zeros = [UInt16](repeating: 0, count: 8 - have)
        var bytes: [UInt8] = []
        for g in head + zeros + back { bytes.append(UInt8(g >> 8)); bytes.append(UInt8(g & 0xff)) }
        return bytes + tail
    }

    func formatV6() -> String {
        var g: [UInt16] = []
        for i in 0..<8 { g.append(UInt16(bytes[2 * i]) << 8 | UInt16(bytes[2 * i + 1])) }
        if g[0..<5].allSatisfy({ $0 == 0 }) && g[5] == 0xffff {
            return "::ffff:" + bytes[12..<16].map(String.init).joined(separator: ".")
        }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if g[i] == 0 {
                var j = i
                while j < 8 && g[j] == 0 { j += 1 }
                if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        func hex(_ r: ArraySlice<UInt16>) -> String { r.map { String($0, radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(g[...]) }
        return hex(g[0..<bestStart]) + "::" + hex(g[(bestStart + bestLen)...])
    }
}

/// IP family of a proxier (kube-proxy runs one per family).
public enum IPFamily: String, Sendable, Hashable, Codable, CaseIterable {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"
}

/// A CIDR prefix, stored masked (Go's `net.ParseCIDR` network), printed as `addr/len`.
public struct IPCIDR: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddr
    public let prefixLength: Int

    /// Parses `a.b.c.d/n` or `v6/n`; the host bits are cleared as Go does.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = IPAddr(String(parts[0])),
              !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
              let len = Int(parts[1]), len <= ip.bytes.count * 8 else { return nil }
        self.init(address: ip, prefixLength: len)
    }

    public init(address: IPAddr, prefixLength: Int) {
        var b = address.bytes
        for i in 0..<b.count {
            let bitsLeft = prefixLength - i * 8
            if bitsLeft >= 8 { continue }
            b[i] = bitsLeft <= 0 ? 0 : b[i] & UInt8(truncatingIfNeeded: 0xff << (8 - bitsLeft))
        }
        self.address = IPAddr(bytes: b)!
        self.prefixLength = prefixLength
    }

    /// A single-host prefix (/32 or /128).
    public init(host: IPAddr) { self.init(address: host, prefixLength: host.bytes.count * 8) }

    public var family: IPFamily { address.family }
    public var description: String { "\(address)/\(prefixLength)" }

    public func contains(_ ip: IPAddr) -> Bool {
        guard ip.bytes.count == address.bytes.count else { return false }
        return IPCIDR(address: ip, prefixLength: prefixLength).address == address
    }
}
