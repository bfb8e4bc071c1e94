/// An IPv4 or IPv6 address as raw bytes in network order.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// The address family of this address.
    public var family: IPFamily { if case .v4 = self { return .ipv4 } else { return .ipv6 } }

    /// Number of bits in an address of this family.
    public var bitWidth: Int { family == .ipv4 ? 32 : 128 }

    /// The address as 4 or 16 bytes in network order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
        case .v6(let bytes):
            return bytes
        }
    }

    /// Builds an address from 4 or 16 network-order bytes.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16: self = .v6(bytes)
        default: return nil
        }
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with optional embedded IPv4 tail).
    public init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let bytes = IPAddress.parseV6(Substring(text)) else { return nil }
            self = .v6(bytes)
        } else {
            guard let value = IPAddress.parseV4(Substring(text)) else { return nil }
            self = .v4(value)
        }
    }

    /// Text as inet_ntop prints it (dotted quad; RFC 5952 compressed lower-case IPv6).
    public var description: String {
        switch self {
        case .v4: return bytes.map(String.init).joined(separator: ".")
        case .v6(let bytes): return IPAddress.formatV6(bytes)
        }
    }

    /// The address with all bits beyond `prefix` cleared.
    public func masked(to prefix: Int) -> IPAddress {
        var out = bytes
        for index in out.indices {
            let keep = max(0, min(8, prefix - index * 8))
            out[index] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - keep))
        }
        return IPAddress(bytes: out)!
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .ipv4 }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    static func parseV6(_ text: Substring) -> [UInt8]? {
        let chars = Array(text)
        let gap = (0..<max(0, chars.count - 1)).filter { chars[$0] == ":" && chars[$0 + 1] == ":" }
        guard gap.count <= 1 else { return nil }
        guard let split = gap.first else {
            guard let all = parseV6Groups(text) else { return nil }
            return all.count == 16 ? all : nil
        }
        guard let head = parseV6Groups(Substring(chars[..<split])),
              let tail = parseV6Groups(Substring(chars[(split + 2)...])),
              head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    private static func parseV6Groups(_ text: Substring) -> [UInt8]? {
        if text.isEmpty { return [] }
        var bytes: [UInt8] = []
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, group.contains(".") {
                guard let v4 = parseV4(group) else { return nil }
                bytes += IPAddress.v4(v4).bytes
                continue
            }
            guard (1...4).contains(group.count), let word = UInt16(group, radix: 16) else { return nil }
            bytes += [UInt8(word >> 8), UInt8(word & 0xff)]
        }
        return bytes
    }

    private static func formatV6(_ bytes: [UInt8]) -> String {
        let words = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        if words[0..<5].allSatisfy({ $0 == 0 }) && words[5] == 0xffff {
            return "::ffff:" + IPAddress.v4(UInt32(words[6]) << 16 | UInt32(words[7])).description
        }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard words[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8 && words[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = end
        }
        let hex = words.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[0..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}

/// The IP family of a ruleset (iptables vs ip6tables).
public enum IPFamily: String, Hashable, Sendable, Codable, CaseIterable {
    case ipv4
    case ipv6
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
