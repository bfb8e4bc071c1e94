/// One `-m NAME ...` match of a rule, typed where iptables' options are understood.
/// Anything else is kept as `.unknown` with its exact option text.
public enum Match: Hashable, Sendable {
    case tcp(TCPMatch)
    case udp(PortMatch)
    case sctp(PortMatch)
    case icmp(ICMPMatch)
    case comment(String)
    case statistic(StatisticMatch)
    case recent(RecentMatch)
    case addrtype(AddrTypeMatch)
    case conntrack(ConntrackMatch)
    case state(StateMatch)
    case mark(MarkMatch)
    case multiport(MultiportMatch)
    case physdev(PhysdevMatch)
    case set(SetMatch)
    case limit(LimitMatch)
    /// `-m nfacct --nfacct-name NAME` (an nfnetlink_acct counter object).
    case nfacct(String)
    case unknown(UnknownExtension)

    /// The extension name printed after `-m`.
    public var name: String {
        switch self {
        case .tcp: return "tcp"
        case .udp: return "udp"
        case .sctp: return "sctp"
        case .icmp: return "icmp"
        case .comment: return "comment"
        case .statistic: return "statistic"
        case .recent: return "recent"
        case .addrtype: return "addrtype"
        case .conntrack: return "conntrack"
        case .state: return "state"
        case .mark: return "mark"
        case .multiport: return "multiport"
        case .physdev: return "physdev"
        case .set: return "set"
        case .limit: return "limit"
        case .nfacct: return "nfacct"
        case .unknown(let other): return other.name
        }
    }
}

/// An extension (match or target) that is not typed: its name and its options exactly as
/// written after the name, so nothing is ever lost.
public struct UnknownExtension: Hashable, Sendable {
    public var name: String
    /// The option text after the name, e.g. `--uid-owner 0` (empty when none).
    public var options: String

    public init(name: String, options: String) {
        self.name = name
        self.options = options
    }
}
