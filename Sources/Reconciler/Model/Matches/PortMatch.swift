/// An inclusive port range; a single port has `low == high`.
public struct PortRange: Hashable, Sendable, CustomStringConvertible {
    public var low: UInt16
    public var high: UInt16

    public init(_ low: UInt16, _ high: UInt16) {
        self.low = low
        self.high = high
    }

    public init(_ port: UInt16) { self.init(port, port) }

    /// `P` or `LOW:HIGH`, as the tcp/udp matches print it.
    public var description: String { low == high ? "\(low)" : "\(low):\(high)" }
}

/// `[!] --sport|--dport RANGE`.
public struct PortSpec: Hashable, Sendable {
    public var range: PortRange
    public var negated: Bool

    public init(_ range: PortRange, negated: Bool = false) {
        self.range = range
        self.negated = negated
    }

    public init(_ port: UInt16, negated: Bool = false) { self.init(PortRange(port), negated: negated) }
}

/// The port part of `-m tcp`, `-m udp` and `-m sctp`.
public struct PortMatch: Hashable, Sendable {
    public var source: PortSpec?
    public var destination: PortSpec?

    public init(source: PortSpec? = nil, destination: PortSpec? = nil) {
        self.source = source
        self.destination = destination
    }
}

/// `-m tcp`: ports plus `[!] --tcp-flags MASK COMP` (`--syn` is stored as its flags).
public struct TCPMatch: Hashable, Sendable {
    public var ports: PortMatch
    public var flags: TCPFlags?

    public init(ports: PortMatch = PortMatch(), flags: TCPFlags? = nil) {
        self.ports = ports
        self.flags = flags
    }
}

/// `[!] --tcp-flags MASK COMP` as bit sets (FIN=1, SYN=2, RST=4, PSH=8, ACK=16, URG=32, ECE=64, CWR=128).
public struct TCPFlags: Hashable, Sendable {
    public var mask: UInt8
    public var compare: UInt8
    public var negated: Bool

    public init(mask: UInt8, compare: UInt8, negated: Bool = false) {
        self.mask = mask
        self.compare = compare
        self.negated = negated
    }

    /// Flag names in the order iptables prints them, with their bits.
    public static let names: [(String, UInt8)] = [
        ("FIN", 0x01), ("SYN", 0x02), ("RST", 0x04), ("PSH", 0x08),
        ("ACK", 0x10), ("URG", 0x20),
    ]
}

/// `-m icmp [!] --icmp-type TYPE[/CODE]`; `type == 255` means `any`.
public struct ICMPMatch: Hashable, Sendable {
    public var type: UInt8
    /// Inclusive code range; `0...255` means any code.
    public var codeLow: UInt8
    public var codeHigh: UInt8
    public var negated: Bool

    public init(type: UInt8, codeLow: UInt8 = 0, codeHigh: UInt8 = 255, negated: Bool = false) {
        self.type = type
        self.codeLow = codeLow
        self.codeHigh = codeHigh
        self.negated = negated
    }
}

/// `-m multiport [!] --sports|--dports|--ports P[,P|,A:B]...`.
public struct MultiportMatch: Hashable, Sendable {
    public enum Direction: String, Hashable, Sendable {
        case source = "--sports"
        case destination = "--dports"
        case either = "--ports"
    }

    public var direction: Direction
    public var ports: [PortRange]
    public var negated: Bool

    public init(direction: Direction, ports: [PortRange], negated: Bool = false) {
        self.direction = direction
        self.ports = ports
        self.negated = negated
    }
}
