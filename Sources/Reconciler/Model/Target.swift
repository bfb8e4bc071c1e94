/// What a rule does when it matches: a verdict, a jump, or a typed target extension.
/// Targets that are not typed are kept as `.unknown` with their exact option text.
public enum Target: Hashable, Sendable {
    case accept
    case drop
    case `return`
    case queue
    /// `-j CHAIN`.
    case jump(String)
    /// `-g CHAIN`.
    case goto(String)
    case dnat(NATTarget)
    case snat(NATTarget)
    case masquerade(MasqueradeTarget)
    case redirect(MasqueradeTarget)
    case mark(MarkTarget)
    case reject(RejectTarget)
    case log(LogTarget)
    case ct(CTTarget)
    case notrack
    case unknown(UnknownExtension)

    /// The name printed after `-j` (or `-g`).
    public var name: String {
        switch self {
        case .accept: return "ACCEPT"
        case .drop: return "DROP"
        case .return: return "RETURN"
        case .queue: return "QUEUE"
        case .jump(let chain), .goto(let chain): return chain
        case .dnat: return "DNAT"
        case .snat: return "SNAT"
        case .masquerade: return "MASQUERADE"
        case .redirect: return "REDIRECT"
        case .mark: return "MARK"
        case .reject: return "REJECT"
        case .log: return "LOG"
        case .ct: return "CT"
        case .notrack: return "NOTRACK"
        case .unknown(let other): return other.name
        }
    }
}

/// `DNAT --to-destination` / `SNAT --to-source` `ADDR[-ADDR][:PORT[-PORT]]` plus flags.
public struct NATTarget: Hashable, Sendable {
    public var minAddress: IPAddress?
    public var maxAddress: IPAddress?
    public var ports: PortRange?
    public var random: Bool
    public var randomFully: Bool
    public var persistent: Bool

    public init(minAddress: IPAddress?, maxAddress: IPAddress? = nil, ports: PortRange? = nil,
                random: Bool = false, randomFully: Bool = false, persistent: Bool = false) {
        self.minAddress = minAddress
        self.maxAddress = maxAddress ?? minAddress
        self.ports = ports
        self.random = random
        self.randomFully = randomFully
        self.persistent = persistent
    }

    /// A single address and optional single port, as kube-proxy's DNAT uses.
    public static func to(_ address: IPAddress, port: UInt16? = nil) -> NATTarget {
        NATTarget(minAddress: address, ports: port.map { PortRange($0) })
    }
}

/// `MASQUERADE` / `REDIRECT`: `--to-ports P[-P]`, `--random`, `--random-fully`.
public struct MasqueradeTarget: Hashable, Sendable {
    public var ports: PortRange?
    public var random: Bool
    public var randomFully: Bool

    public init(ports: PortRange? = nil, random: Bool = false, randomFully: Bool = false) {
        self.ports = ports
        self.random = random
        self.randomFully = randomFully
    }
}

/// `MARK`, stored as the kernel does: `mark = (mark & ~mask) ^ value`, printed `--set-xmark V/M`.
public struct MarkTarget: Hashable, Sendable {
    public var value: UInt32
    public var mask: UInt32

    public init(value: UInt32, mask: UInt32) {
        self.value = value
        self.mask = mask
    }

    /// `--or-mark BITS`.
    public static func or(_ bits: UInt32) -> MarkTarget { MarkTarget(value: bits, mask: bits) }
    /// `--xor-mark BITS`.
    public static func xor(_ bits: UInt32) -> MarkTarget { MarkTarget(value: bits, mask: 0) }
    /// `--and-mark BITS`.
    public static func and(_ bits: UInt32) -> MarkTarget { MarkTarget(value: 0, mask: ~bits) }
    /// `--set-mark VALUE[/MASK]`.
    public static func set(_ value: UInt32, mask: UInt32 = 0xffff_ffff) -> MarkTarget {
        MarkTarget(value: value, mask: value | mask)
    }
}

/// `REJECT --reject-with TYPE`, kept as the canonical type name iptables-save prints.
public struct RejectTarget: Hashable, Sendable {
    public var with: String

    public init(with: String = "icmp-port-unreachable") { self.with = with }
}

/// `LOG`: prefix, level (default 4) and flag bits (tcp-sequence=1, tcp-options=2,
/// ip-options=4, uid=8, macdecode=32).
public struct LogTarget: Hashable, Sendable {
    public var prefix: String
    public var level: UInt8
    public var flags: UInt8

    public init(prefix: String = "", level: UInt8 = 4, flags: UInt8 = 0) {
        self.prefix = prefix
        self.level = level
        self.flags = flags
    }

    /// Flag options in print order with their bits.
    public static let flagNames: [(String, UInt8)] = [
        ("--log-tcp-sequence", 1), ("--log-tcp-options", 2), ("--log-ip-options", 4),
        ("--log-uid", 8), ("--log-macdecode", 32),
    ]
}

/// `CT`: `--notrack`, `--helper NAME`, `--zone N` (other options make it `.unknown`).
public struct CTTarget: Hashable, Sendable {
    public var notrack: Bool
    public var helper: String?
    public var zone: UInt16?

    public init(notrack: Bool = false, helper: String? = nil, zone: UInt16? = nil) {
        self.notrack = notrack
        self.helper = helper
        self.zone = zone
    }
}
