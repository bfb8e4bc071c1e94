/// An address with a prefix length, as `-s`/`-d` take it (`10.0.0.0/8`, `1.2.3.4` = `/32`).
public struct CIDR: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The network address (host bits cleared, as the kernel stores it).
    public let address: IPAddress
    /// The prefix length, 0...32 or 0...128.
    public let prefix: Int

    /// Builds a CIDR, clearing host bits; nil when the prefix is out of range.
    public init?(address: IPAddress, prefix: Int) {
        guard (0...address.bitWidth).contains(prefix) else { return nil }
        self.address = address.masked(to: prefix)
        self.prefix = prefix
    }

    /// Parses `addr`, `addr/len` or IPv4 `addr/dotted.mask` (contiguous masks only).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        var prefix = address.bitWidth
        if parts.count == 2 {
            if let length = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit) {
                prefix = length
            } else if address.family == .ipv4, let mask = IPAddress.parseV4(Substring(parts[1])),
                      let length = CIDR.prefixLength(ofMask: mask) {
                prefix = length
            } else {
                return nil
            }
        }
        self.init(address: address, prefix: prefix)
    }

    /// Whether this is a single host (`/32` or `/128`).
    public var isHost: Bool { prefix == address.bitWidth }

    /// The family of the address.
    public var family: IPFamily { address.family }

    /// `addr/len`, as iptables-save prints it (always with the length).
    public var description: String { "\(address)/\(prefix)" }

    /// Whether `other` lies inside this network.
    public func contains(_ other: IPAddress) -> Bool {
        other.family == address.family && other.masked(to: prefix) == address
    }

    /// The netmask as bytes (prefix ones, then zeros).
    public var maskBytes: [UInt8] {
        (0..<(address.bitWidth / 8)).map { index in
            let keep = max(0, min(8, prefix - index * 8))
            return keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - keep))
        }
    }

    public static func < (lhs: CIDR, rhs: CIDR) -> Bool {
        lhs.address == rhs.address ? lhs.prefix < rhs.prefix : lhs.address < rhs.address
    }

    static func prefixLength(ofMask mask: UInt32) -> Int? {
        let ones = mask.leadingZeroBitCount == 0 ? (~mask).leadingZeroBitCount : 0
        let expected: UInt32 = ones == 0 ? 0 : ~UInt32(0) << (32 - ones)
        return mask == expected ? ones : nil
    }
}
