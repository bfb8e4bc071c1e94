/// `-m statistic`: random sampling or every-nth packet.
public struct StatisticMatch: Hashable, Sendable {
    public enum Mode: Hashable, Sendable {
        /// `--mode random --probability P`, kept as the kernel's value `lround(P * 2^31)`.
        case random(probability: UInt32)
        /// `--mode nth --every N --packet P` (N >= 1).
        case nth(every: UInt32, packet: UInt32)
    }

    public var mode: Mode
    public var negated: Bool

    public init(mode: Mode, negated: Bool = false) {
        self.mode = mode
        self.negated = negated
    }

    /// A random-mode match for probability `p` (0...1), rounded as iptables rounds it.
    public static func random(_ probability: Double, negated: Bool = false) -> StatisticMatch {
        StatisticMatch(mode: .random(probability: kernelProbability(probability)), negated: negated)
    }

    /// `lround(p * 2^31)`, the value iptables stores for `--probability p`.
    public static func kernelProbability(_ probability: Double) -> UInt32 {
        UInt32(clamping: Int64((probability * 2147483648.0).rounded(.toNearestOrAwayFromZero)))
    }
}

/// `-m recent`: source/destination address lists (kube-proxy's session affinity).
public struct RecentMatch: Hashable, Sendable {
    public enum Command: String, Hashable, Sendable {
        case set = "--set"
        case rcheck = "--rcheck"
        case update = "--update"
        case remove = "--remove"
    }

    public var command: Command
    public var negated: Bool
    public var name: String
    /// `--seconds`, 0 when absent.
    public var seconds: UInt32
    public var reap: Bool
    /// `--hitcount`, 0 when absent.
    public var hitCount: UInt32
    public var rttl: Bool
    /// `--mask`: the address mask; nil means all ones (the default).
    public var mask: IPAddress?
    /// `--rdest` when true, `--rsource` (the default) when false.
    public var destination: Bool

    public init(command: Command, name: String = "DEFAULT", negated: Bool = false, seconds: UInt32 = 0,
                reap: Bool = false, hitCount: UInt32 = 0, rttl: Bool = false, mask: IPAddress? = nil,
                destination: Bool = false) {
        self.command = command
        self.negated = negated
        self.name = name
        self.seconds = seconds
        self.reap = reap
        self.hitCount = hitCount
        self.rttl = rttl
        self.mask = mask
        self.destination = destination
    }
}
