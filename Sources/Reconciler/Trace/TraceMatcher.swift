/// Whether one rule matches a traced packet, and why: the kernel's semantics for the matches
/// kube-proxy and common CNIs use, with connection history made explicit as assumptions.
struct TraceMatcher {
    enum Decision: Equatable {
        case yes(String)
        case no(String)
        /// A `-m statistic --mode random` rule that matches otherwise: taken with this probability.
        case branch(Double, String)
        case cannot(String)
    }

    let state: TraceState
    let local: Set<IPAddress>

    func decide(_ rule: Rule, assumptions: inout Set<String>) -> Decision {
        if let opaque = rule.opaque { return .cannot("rule not decodable (\(opaque.reason))" + (opaque.text.map { ": \($0)" } ?? "")) }
        if let iface = rule.inInterface ?? rule.outInterface {
            assumptions.insert("interface matches (\(iface.negated ? "! " : "")\(iface.name)) assumed not to match: the trace does not know the interfaces")
            if !iface.negated { return .no("interface \(iface.name)") }
        }
        let p = state.packet
        if let s = rule.source, s.cidr.contains(p.source) == s.negated { return .no("source \(p.source) \(s.negated ? "in" : "not in") \(s.cidr)") }
        if let d = rule.destination, d.cidr.contains(p.destination) == d.negated {
            return .no("destination \(p.destination) \(d.negated ? "in" : "not in") \(d.cidr)")
        }
        if let proto = rule.proto, (proto.number == Shapes.protocolMatch(p.proto).number) == proto.negated { return .no("protocol \(p.proto.lower)") }
        var probability: Double?
        for m in rule.matches {
            switch decide(m, assumptions: &assumptions) {
            case .yes: continue
            case .branch(let chance, _): probability = chance
            case let other: return other
            }
        }
        if let probability { return .branch(probability, "random \(Self.percent(probability))") }
        return .yes("matched")
    }

    func decide(_ m: Match, assumptions: inout Set<String>) -> Decision {
        switch m {
        case .comment, .nfacct: return .yes("")
        case .tcp(let t):
            if t.flags != nil { assumptions.insert("--tcp-flags: assumed to match the first packet (a SYN)") }
            return ports(t.ports, .tcp, &assumptions)
        case .udp(let ports): return self.ports(ports, .udp, &assumptions)
        case .sctp(let ports): return self.ports(ports, .sctp, &assumptions)
        case .statistic(let s):
            guard case .random(let raw) = s.mode else { return .cannot("statistic --mode nth depends on packet counts") }
            let chance = Double(raw) / Double(1 << 31)
            return .branch(s.negated ? 1 - chance : chance, "")
        case .recent(let r): return recent(r, &assumptions)
        case .mark(let mark):
            let hit = (state.mark & mark.mask == mark.value) != mark.negated
            return hit ? .yes("") : .no("mark 0x\(String(state.mark, radix: 16)) \(mark.negated ? "has" : "lacks") 0x\(String(mark.value, radix: 16))/0x\(String(mark.mask, radix: 16))")
        case .conntrack(let c): return conntrack(c, &assumptions)
        case .state(let s):
            return (state.ctstates.isDisjoint(with: s.states) == s.negated) ? .yes("") : .no("conntrack state")
        case .addrtype(let a): return addrtype(a)
        case .multiport(let mp): return multiport(mp, &assumptions)
        case .limit:
            assumptions.insert("-m limit: the rate limit is not exceeded")
            return .yes("")
        default: return .cannot("match \(m.name) cannot be evaluated")
        }
    }

    private func ports(_ pm: PortMatch, _ proto: L4Protocol, _ assumptions: inout Set<String>) -> Decision {
        let p = state.packet
        guard p.proto == proto else { return .no("protocol \(p.proto.lower)") }
        if let s = pm.source {
            guard let sport = p.sourcePort else {
                assumptions.insert("source port unknown (give --sport): a rule on it is assumed not to match")
                return .no("source port")
            }
            if (Int(s.range.low)...Int(s.range.high)).contains(sport) == s.negated { return .no("source port \(sport)") }
        }
        if let d = pm.destination, (Int(d.range.low)...Int(d.range.high)).contains(p.destinationPort) == d.negated {
            return .no("destination port \(p.destinationPort)")
        }
        return .yes("")
    }

    private func multiport(_ mp: MultiportMatch, _ assumptions: inout Set<String>) -> Decision {
        let p = state.packet
        var candidates: [Int] = []
        if mp.direction != .source { candidates.append(p.destinationPort) }
        if mp.direction != .destination {
            if let sport = p.sourcePort { candidates.append(sport) } else { assumptions.insert("source port unknown (give --sport)") }
        }
        let hit = candidates.contains { port in mp.ports.contains { (Int($0.low)...Int($0.high)).contains(port) } }
        return hit != mp.negated ? .yes("") : .no("multiport")
    }

    private func recent(_ r: RecentMatch, _ assumptions: inout Set<String>) -> Decision {
        switch r.command {
        case .set: return .yes("")
        case .rcheck, .update:
            assumptions.insert("session affinity: no earlier connection from \(state.packet.source) is remembered (-m recent --rcheck)")
            return .no("no affinity entry (assumed)")
        default: return .cannot("recent \(r.command.rawValue) cannot be evaluated")
        }
    }

    private func conntrack(_ c: ConntrackMatch, _ assumptions: inout Set<String>) -> Decision {
        if c.status != nil || c.directionReply != nil {
            assumptions.insert("conntrack status/direction: a new connection in the original direction")
            if let status = c.status, (status == 0) == c.statusNegated { return .no("conntrack status") }
        }
        guard let states = c.states else { return .yes("") }
        let hit = !state.ctstates.isDisjoint(with: states)
        return hit != c.statesNegated ? .yes("") : .no("conntrack state \(state.ctstateNames)")
    }

    private func addrtype(_ a: AddrTypeMatch) -> Decision {
        let localBit: UInt16 = 1 << 2
        for (types, negated, ip, what) in [(a.sourceTypes, a.sourceNegated, state.packet.source, "source"),
                                           (a.destinationTypes, a.destinationNegated, state.packet.destination, "destination")]
        where types != 0 {
            guard types == localBit else { return .cannot("addrtype other than LOCAL cannot be evaluated") }
            if local.contains(ip) == negated { return .no("\(what) \(ip) is \(local.contains(ip) ? "" : "not ")local") }
        }
        return .yes("")
    }

    static func percent(_ p: Double) -> String {
        let v = (p * 1000).rounded() / 10
        return v == v.rounded() ? "\(Int(v))%" : "\(v)%"
    }
}
