import Foundation

/// Match and target spelling for `KubeProxyTextWriter`.
extension KubeProxyTextWriter {
    static func protocolName(_ n: UInt8) -> String {
        switch n {
        case 6: return "tcp"
        case 17: return "udp"
        case 132: return "sctp"
        case 1: return "icmp"
        case 58: return "ipv6-icmp"
        default: return "\(n)"
        }
    }

    static func quote(_ s: String) -> String { s.contains(" ") || s.isEmpty ? "\"\(s)\"" : s }

    /// kube-proxy only writes 1/k probabilities: recover k from the kernel value and print `%0.10f`.
    static func probability(_ kernel: UInt32) -> String {
        let p = Double(kernel) / 2147483648.0
        if p > 0 {
            let k = (1.0 / p).rounded()
            if k >= 1, StatisticMatch.kernelProbability(1.0 / k) == kernel { return String(format: "%0.10f", 1.0 / k) }
        }
        return String(format: "%0.10f", p)
    }

    func match(_ m: Match, _ h: inout HeaderState, _ family: IPFamily) -> [String] {
        switch m {
        case .comment(let c): return ["-m", "comment", "--comment", Self.quote(c)]
        case .tcp(let t): return ports("tcp", t.ports, &h, family)
        case .udp(let p): return ports("udp", p, &h, family)
        case .sctp(let p): return ports("sctp", p, &h, family)
        case .statistic(let s): return statistic(s)
        case .recent(let r): return recent(r)
        case .addrtype(let a):
            var w = ["-m", "addrtype"]
            if a.sourceTypes != 0 { w += HeaderState.neg(a.sourceNegated) + ["--src-type", Self.types(a.sourceTypes)] }
            if a.destinationTypes != 0 { w += HeaderState.neg(a.destinationNegated) + ["--dst-type", Self.types(a.destinationTypes)] }
            return w
        case .conntrack(let c):
            var w = ["-m", "conntrack"]
            if let s = c.states { w += HeaderState.neg(c.statesNegated) + ["--ctstate", Self.states(s)] }
            return w
        case .mark(let mk): return ["-m", "mark"] + HeaderState.neg(mk.negated) + ["--mark", "\(mark(mk.value))/\(mark(mk.mask))"]
        case .nfacct(let name): return ["-m", "nfacct", "--nfacct-name", name]
        case .unknown(let u): return ["-m", u.name] + (u.options.isEmpty ? [] : [u.options])
        default: return ["-m", m.name]
        }
    }

    /// `-m tcp -p tcp [-d IP] [--sport] [--dport P]`: kube-proxy puts -p and -d inside the port match.
    func ports(_ name: String, _ p: PortMatch, _ h: inout HeaderState, _ family: IPFamily) -> [String] {
        var w = ["-m", name] + h.takeProto(family) + h.takeDestination()
        if let s = p.source { w += HeaderState.neg(s.negated) + ["--sport", s.range.description] }
        if let d = p.destination { w += HeaderState.neg(d.negated) + ["--dport", d.range.description] }
        return w
    }

    func statistic(_ s: StatisticMatch) -> [String] {
        switch s.mode {
        case .random(let p):
            return ["-m", "statistic", "--mode", "random"] + HeaderState.neg(s.negated) + ["--probability", Self.probability(p)]
        case .nth(let every, let packet):
            return ["-m", "statistic", "--mode", "nth"] + HeaderState.neg(s.negated) + ["--every", "\(every)", "--packet", "\(packet)"]
        }
    }

    func recent(_ r: RecentMatch) -> [String] {
        var w = ["-m", "recent", "--name", r.name] + HeaderState.neg(r.negated) + [r.command.rawValue]
        if r.seconds != 0 { w += ["--seconds", "\(r.seconds)"] }
        if r.reap { w.append("--reap") }
        if r.hitCount != 0 { w += ["--hitcount", "\(r.hitCount)"] }
        if r.destination { w.append("--rdest") }
        return w
    }

    static func types(_ bits: UInt16) -> String {
        AddrTypeMatch.typeNames.enumerated().filter { bits & (1 << UInt16($0.offset)) != 0 }.map(\.element).joined(separator: ",")
    }

    /// kube-proxy's spelling: RELATED before ESTABLISHED (iptables' print order).
    static func states(_ s: ConntrackStates) -> String {
        ConntrackStates.printOrder.filter { s.contains($0.1) }.map(\.0).joined(separator: ",")
    }

    func target(_ t: Target?, _ family: IPFamily) -> [String] {
        guard let t else { return [] }
        switch t {
        case .jump(let c): return ["-j", c]
        case .goto(let c): return ["-g", c]
        case .accept, .drop, .return, .queue, .notrack: return ["-j", t.name]
        case .dnat(let n): return ["-j", "DNAT", "--to-destination", Self.natDestination(n)]
        case .snat(let n): return ["-j", "SNAT", "--to-source", Self.natDestination(n)]
        case .masquerade(let m): return ["-j", "MASQUERADE"] + (m.randomFully ? ["--random-fully"] : [])
        case .mark(let m):
            if m.value == m.mask { return ["-j", "MARK", "--or-mark", mark(m.value)] }
            if m.mask == 0 { return ["-j", "MARK", "--xor-mark", mark(m.value)] }
            return ["-j", "MARK", "--set-xmark", "\(mark(m.value))/\(mark(m.mask))"]
        case .reject(let r):
            let dflt = family == .ipv4 ? "icmp-port-unreachable" : "icmp6-port-unreachable"
            return ["-j", "REJECT"] + (r.with == dflt ? [] : ["--reject-with", r.with])
        case .unknown(let u): return ["-j", u.name] + (u.options.isEmpty ? [] : [u.options])
        default: return ["-j", t.name]
        }
    }

    /// `ip:port` / `[ip6]:port` as kube-proxy's endpoint strings.
    static func natDestination(_ n: NATTarget) -> String {
        guard let a = n.minAddress else { return "" }
        let host = a.family == .ipv6 && n.ports != nil ? "[\(a)]" : "\(a)"
        return n.ports.map { "\(host):\($0.low)" } ?? host
    }
}
