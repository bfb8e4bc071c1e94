/// Decides whether one rule matches a traced packet; throws on any option it cannot evaluate.
struct RuleEvaluator {
    let tracer: PacketTracer
    let packet: PacketTracer.Packet

    static func hasProbability(_ rule: Rule) -> Bool {
        rule.matches.contains { if case .statistic = $0 { return true } else { return false } }
    }

    func matches(_ rule: Rule, _ fail: (String) -> PacketTracer.TraceError) throws -> Bool {
        if rule.opaque != nil { throw fail("opaque rule") }
        if rule.inInterface != nil || rule.outInterface != nil { throw fail("interface matches not supported") }
        if rule.fragment != nil { throw fail("-f not supported") }
        if let s = rule.source, s.cidr.contains(packet.source) == s.negated { return false }
        if let d = rule.destination, d.cidr.contains(packet.destination) == d.negated { return false }
        if let p = rule.proto, (p.number == Shapes.protocolMatch(packet.proto).number) == p.negated { return false }
        for m in rule.matches where !(try matches(m, fail)) { return false }
        return true
    }

    func matches(_ m: Match, _ fail: (String) -> PacketTracer.TraceError) throws -> Bool {
        switch m {
        case .comment: return true
        case .tcp(let t):
            if t.flags != nil { throw fail("--tcp-flags not supported") }
            return try ports(t.ports, .tcp, fail)
        case .udp(let p): return try ports(p, .udp, fail)
        case .sctp(let p): return try ports(p, .sctp, fail)
        case .statistic(let s):
            guard case .random = s.mode, !s.negated else { throw fail("statistic mode not supported") }
            return true
        case .recent(let r):
            switch r.command {
            case .rcheck: return false
            case .set: return true
            default: throw fail("recent \(r.command.rawValue) not supported")
            }
        case .mark, .conntrack: return false
        case .addrtype(let a): return try addrtype(a, fail)
        case .nfacct: return true
        default: throw fail("match \(m.name) not supported by the tracer")
        }
    }

    func ports(_ p: PortMatch, _ proto: L4Protocol, _ fail: (String) -> PacketTracer.TraceError) throws -> Bool {
        if p.source != nil { throw fail("--sport not supported") }
        guard packet.proto == proto else { return false }
        guard let d = p.destination else { return true }
        let inRange = (Int(d.range.low)...Int(d.range.high)).contains(packet.destinationPort)
        return inRange != d.negated
    }

    func addrtype(_ a: AddrTypeMatch, _ fail: (String) -> PacketTracer.TraceError) throws -> Bool {
        let local: UInt16 = 1 << 2
        if a.limitIfaceIn || a.limitIfaceOut { throw fail("addrtype --limit-iface not supported") }
        for (types, negated, ip) in [(a.sourceTypes, a.sourceNegated, packet.source),
                                     (a.destinationTypes, a.destinationNegated, packet.destination)] where types != 0 {
            guard types == local else { throw fail("addrtype other than LOCAL not supported") }
            if tracer.localAddresses.contains(ip) == negated { return false }
        }
        return true
    }
}
