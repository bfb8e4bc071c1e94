/// Small constructors for the rule shapes kube-proxy writes; matches are kept in kube-proxy's
/// written order (`-m comment` first, then the protocol match, ...).
enum Shapes {
    static func protocolMatch(_ p: L4Protocol) -> ProtocolMatch {
        switch p {
        case .tcp: return .tcp
        case .udp: return .udp
        case .sctp: return .sctp
        }
    }

    /// `-m tcp|udp|sctp [--dport P]`.
    static func portMatch(_ p: L4Protocol, dport: Int?) -> Match {
        let ports = PortMatch(destination: dport.map { PortSpec(UInt16($0)) })
        switch p {
        case .tcp: return .tcp(TCPMatch(ports: ports))
        case .udp: return .udp(ports)
        case .sctp: return .sctp(ports)
        }
    }

    static func host(_ ip: IPAddress, negated: Bool = false) -> AddressMatch {
        AddressMatch(.host(ip), negated: negated)
    }

    /// `[-m comment --comment C] -m P -p P [-d IP] [--dport N] [extra] -j T`.
    static func portRule(comment: String?, _ proto: L4Protocol, dst: IPAddress? = nil, dport: Int?,
                         extra: [Match] = [], target: Target?) -> Rule {
        var m: [Match] = comment.map { [.comment($0)] } ?? []
        m.append(portMatch(proto, dport: dport))
        return Rule(destination: dst.map { host($0) }, proto: protocolMatch(proto), matches: m + extra, target: target)
    }

    /// A rule with an optional comment, extra matches and a target.
    static func rule(comment: String?, _ matches: [Match] = [], target: Target?) -> Rule {
        Rule(matches: (comment.map { [Match.comment($0)] } ?? []) + matches, target: target)
    }

    /// Applies the local-traffic detector (`-s cidr` / `-i name` / `-i prefix+`, negated for IfNotLocal).
    static func detect(_ rule: Rule, _ d: LocalTrafficDetector, local: Bool) -> Rule {
        var r = rule
        switch d {
        case .none: break
        case .cidr(let c): r.source = AddressMatch(c, negated: !local)
        case .bridgeInterface(let name): r.inInterface = InterfaceMatch(name, negated: !local)
        case .interfaceNamePrefix(let p): r.inInterface = InterfaceMatch(p + "+", negated: !local)
        }
        return r
    }

    static func addrtypeLocal(source: Bool) -> Match {
        source ? .addrtype(AddrTypeMatch(sourceTypes: 1 << 2)) : .addrtype(.destinationLocal)
    }

    static func nfacct(_ name: String) -> Match {
        .nfacct(name)
    }
}
