/// `-m addrtype [!] --src-type T,.. [!] --dst-type T,.. [--limit-iface-in|--limit-iface-out]`.
public struct AddrTypeMatch: Hashable, Sendable {
    /// Address types as the kernel's bit set (bit i = `AddrTypeMatch.typeNames[i]`).
    public var sourceTypes: UInt16
    public var sourceNegated: Bool
    public var destinationTypes: UInt16
    public var destinationNegated: Bool
    public var limitIfaceIn: Bool
    public var limitIfaceOut: Bool

    public init(sourceTypes: UInt16 = 0, sourceNegated: Bool = false, destinationTypes: UInt16 = 0,
                destinationNegated: Bool = false, limitIfaceIn: Bool = false, limitIfaceOut: Bool = false) {
        self.sourceTypes = sourceTypes
        self.sourceNegated = sourceNegated
        self.destinationTypes = destinationTypes
        self.destinationNegated = destinationNegated
        self.limitIfaceIn = limitIfaceIn
        self.limitIfaceOut = limitIfaceOut
    }

    /// Type names in bit order, as iptables prints them.
    public static let typeNames = [
        "UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
        "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
    ]

    /// The bit of a type name (`LOCAL` -> 1 << 2).
    public static func bit(of name: String) -> UInt16? {
        typeNames.firstIndex(of: name.uppercased()).map { UInt16(1) << UInt16($0) }
    }

    /// `--dst-type LOCAL`, as kube-proxy uses it.
    public static let destinationLocal = AddrTypeMatch(destinationTypes: 1 << 2)
}

/// Connection tracking states (`--ctstate` / `--state`), with xt_conntrack's `state_mask` bits.
public struct ConntrackStates: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let invalid = ConntrackStates(rawValue: 1 << 0)
    public static let established = ConntrackStates(rawValue: 1 << 1)
    public static let related = ConntrackStates(rawValue: 1 << 2)
    public static let new = ConntrackStates(rawValue: 1 << 3)
    public static let untracked = ConntrackStates(rawValue: 1 << 8)
    public static let snat = ConntrackStates(rawValue: 1 << 6)
    public static let dnat = ConntrackStates(rawValue: 1 << 7)

    /// Names in the order iptables prints them.
    public static let printOrder: [(String, ConntrackStates)] = [
        ("INVALID", .invalid), ("NEW", .new), ("RELATED", .related), ("ESTABLISHED", .established),
        ("UNTRACKED", .untracked), ("SNAT", .snat), ("DNAT", .dnat),
    ]
}

/// `-m conntrack`: the options kube-proxy and CNIs use (`--ctstate`, `--ctstatus`, `--ctdir`).
/// Other conntrack options make the match `.unknown`.
public struct ConntrackMatch: Hashable, Sendable {
    public var states: ConntrackStates?
    public var statesNegated: Bool
    /// `--ctstatus` as the kernel bit set (EXPECTED=1, SEEN_REPLY=2, ASSURED=4, CONFIRMED=8).
    public var status: UInt32?
    public var statusNegated: Bool
    /// `--ctdir ORIGINAL|REPLY`: true for REPLY.
    public var directionReply: Bool?

    public init(states: ConntrackStates? = nil, statesNegated: Bool = false, status: UInt32? = nil,
                statusNegated: Bool = false, directionReply: Bool? = nil) {
        self.states = states
        self.statesNegated = statesNegated
        self.status = status
        self.statusNegated = statusNegated
        self.directionReply = directionReply
    }

    /// Status names in print order with their bits.
    public static let statusNames: [(String, UInt32)] = [
        ("EXPECTED", 1), ("SEEN_REPLY", 2), ("ASSURED", 4), ("CONFIRMED", 8),
    ]
}

/// `-m state [!] --state S,..`.
public struct StateMatch: Hashable, Sendable {
    public var states: ConntrackStates
    public var negated: Bool

    public init(states: ConntrackStates, negated: Bool = false) {
        self.states = states
        self.negated = negated
    }
}

/// `-m mark [!] --mark VALUE[/MASK]`.
public struct MarkMatch: Hashable, Sendable {
    public var value: UInt32
    public var mask: UInt32
    public var negated: Bool

    public init(value: UInt32, mask: UInt32 = 0xffff_ffff, negated: Bool = false) {
        self.value = value
        self.mask = mask
        self.negated = negated
    }
}
