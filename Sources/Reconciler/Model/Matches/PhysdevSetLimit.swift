/// `-m physdev`: bridge port matches.
public struct PhysdevMatch: Hashable, Sendable {
    public var physdevIn: InterfaceMatch?
    public var physdevOut: InterfaceMatch?
    /// `[!] --physdev-is-in`: nil when absent, else whether negated. Likewise below.
    public var isIn: Negation?
    public var isOut: Negation?
    public var isBridged: Negation?

    public init(physdevIn: InterfaceMatch? = nil, physdevOut: InterfaceMatch? = nil, isIn: Negation? = nil,
                isOut: Negation? = nil, isBridged: Negation? = nil) {
        self.physdevIn = physdevIn
        self.physdevOut = physdevOut
        self.isIn = isIn
        self.isOut = isOut
        self.isBridged = isBridged
    }
}

/// `-m set [!] --match-set NAME FLAGS` (ipset lookups), e.g. `src` or `dst,dst`.
public struct SetMatch: Hashable, Sendable {
    public var setName: String
    /// Directions per dimension, `true` = src, `false` = dst.
    public var directions: [Bool]
    public var negated: Bool
    public var returnNoMatch: Bool

    public init(setName: String, directions: [Bool], negated: Bool = false, returnNoMatch: Bool = false) {
        self.setName = setName
        self.directions = directions
        self.negated = negated
        self.returnNoMatch = returnNoMatch
    }
}

/// `-m limit --limit RATE --limit-burst N`, kept as the kernel's average period and burst.
public struct LimitMatch: Hashable, Sendable {
    /// Average period in units of 1/10000 s (XT_LIMIT_SCALE), as the kernel stores it.
    public var average: UInt32
    public var burst: UInt32

    public init(average: UInt32, burst: UInt32 = 5) {
        self.average = average
        self.burst = burst
    }

    /// Units iptables prints, largest first, with their multipliers of XT_LIMIT_SCALE.
    public static let units: [(String, UInt32)] = [
        ("day", 10000 * 24 * 60 * 60), ("hour", 10000 * 60 * 60), ("min", 10000 * 60), ("sec", 10000),
    ]
}
