/// Protocol names and numbers as iptables resolves and prints them (Debian's /etc/protocols,
/// then iptables' built-in names).
public enum ProtocolNames {
    static let table: [(UInt8, String)] = [
        (1, "icmp"), (2, "igmp"), (3, "ggp"), (4, "ipencap"), (5, "st"), (6, "tcp"), (8, "egp"),
        (9, "igp"), (12, "pup"), (17, "udp"), (20, "hmp"), (22, "xns-idp"), (27, "rdp"), (29, "iso-tp4"),
        (33, "dccp"), (36, "xtp"), (37, "ddp"), (38, "idpr-cmtp"), (41, "ipv6"), (43, "ipv6-route"),
        (44, "ipv6-frag"), (45, "idrp"), (46, "rsvp"), (47, "gre"), (50, "esp"), (51, "ah"), (57, "skip"),
        (58, "ipv6-icmp"), (59, "ipv6-nonxt"), (60, "ipv6-opts"), (73, "rspf"), (81, "vmtp"), (88, "eigrp"),
        (89, "ospf"), (93, "ax.25"), (94, "ipip"), (97, "etherip"), (98, "encap"), (103, "pim"),
        (108, "ipcomp"), (112, "vrrp"), (115, "l2tp"), (124, "isis"), (132, "sctp"), (133, "fc"),
        (135, "mobility-header"), (136, "udplite"), (137, "mpls-in-ip"), (138, "manet"), (139, "hip"),
        (140, "shim6"), (141, "wesp"), (142, "rohc"), (143, "ethernet"),
    ]
    static let aliases: [String: UInt8] = ["all": 0, "ip": 0, "hopopt": 0, "icmpv6": 58, "ipv6-mh": 135, "mh": 135]

    /// The number of a protocol given by name (case-insensitive) or number.
    public static func number(of text: String) -> UInt8? {
        if let value = UInt8(text) { return value }
        let lower = text.lowercased()
        if let alias = aliases[lower] { return alias }
        return table.first { $0.1 == lower }?.0
    }

    /// The name iptables-save prints for a protocol number, or the number itself.
    public static func name(of number: UInt8) -> String {
        table.first { $0.0 == number }?.1 ?? String(number)
    }

    /// The match extension `-p PROTO` loads implicitly for its options.
    static func implicitMatch(for number: UInt8, family: IPFamily) -> String? {
        switch number {
        case 6: return "tcp"
        case 17: return "udp"
        case 132: return "sctp"
        case 1 where family == .ipv4: return "icmp"
        case 58 where family == .ipv6: return "icmp6"
        default: return nil
        }
    }
}
