import Foundation

/// Prints each typed match's options as its libxt extension's save function does.
enum MatchRenderer {
    static func options(_ match: Match, family: IPFamily) -> String {
        var words = Words()
        switch match {
        case .tcp(let tcp):
            ports(tcp.ports, into: &words)
            if let flags = tcp.flags {
                words.negate(flags.negated)
                words.add("--tcp-flags \(flagNames(flags.mask)) \(flagNames(flags.compare))")
            }
        case .udp(let udp), .sctp(let udp): ports(udp, into: &words)
        case .icmp(let icmp):
            words.negate(icmp.negated)
            if icmp.type == 255 { words.add("--icmp-type any") }
            else if icmp.codeLow == 0 && icmp.codeHigh == 255 { words.add("--icmp-type \(icmp.type)") }
            else { words.add("--icmp-type \(icmp.type)/\(icmp.codeLow)") }
        case .comment(let text): words.add("--comment \(SaveQuoting.quoteIfNeeded(text))")
        case .statistic(let statistic): self.statistic(statistic, into: &words)
        case .recent(let recent): self.recent(recent, family: family, into: &words)
        case .addrtype(let addrtype): self.addrtype(addrtype, into: &words)
        case .conntrack(let conntrack): self.conntrack(conntrack, into: &words)
        case .state(let state):
            words.negate(state.negated)
            words.add("--state \(stateNames(state.states))")
        case .mark(let mark):
            words.negate(mark.negated)
            words.add("--mark " + (mark.mask == 0xffff_ffff ? hex(mark.value) : "\(hex(mark.value))/\(hex(mark.mask))"))
        case .multiport(let multiport):
            words.negate(multiport.negated)
            words.add("\(multiport.direction.rawValue) " + multiport.ports.map(\.description).joined(separator: ","))
        case .physdev(let physdev): self.physdev(physdev, into: &words)
        case .set(let set):
            words.negate(set.negated)
            words.add("--match-set \(set.setName) " + set.directions.map { $0 ? "src" : "dst" }.joined(separator: ","))
            if set.returnNoMatch { words.add("--return-nomatch") }
        case .limit(let limit):
            words.add("--limit \(rate(limit.average))")
            if limit.burst != 5 { words.add("--limit-burst \(limit.burst)") }
        case .nfacct(let name):
            words.add("--nfacct-name  \(name)")
        case .unknown(let other):
            words.add(other.options)
        }
        return words.text
    }

    static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16) }

    private static func ports(_ ports: PortMatch, into words: inout Words) {
        if let source = ports.source {
            words.negate(source.negated)
            words.add("--sport \(source.range)")
        }
        if let destination = ports.destination {
            words.negate(destination.negated)
            words.add("--dport \(destination.range)")
        }
    }

    private static func flagNames(_ bits: UInt8) -> String {
        let names = TCPFlags.names.filter { bits & $0.1 != 0 }.map(\.0)
        return names.isEmpty ? "NONE" : names.joined(separator: ",")
    }

    static func stateNames(_ states: ConntrackStates) -> String {
        ConntrackStates.printOrder.filter { states.contains($0.1) }.map(\.0).joined(separator: ",")
    }

    private static func statistic(_ statistic: StatisticMatch, into words: inout Words) {
        switch statistic.mode {
        case .random(let probability):
            words.add("--mode random")
            words.negate(statistic.negated)
            words.add("--probability " + String(format: "%.11f", Double(probability) / 2147483648.0))
        case .nth(let every, let packet):
            words.add("--mode nth")
            words.negate(statistic.negated)
            words.add("--every \(every) --packet \(packet)")
        }
    }

    private static func recent(_ recent: RecentMatch, family: IPFamily, into words: inout Words) {
        words.negate(recent.negated)
        words.add(recent.command.rawValue)
        if recent.seconds != 0 { words.add("--seconds \(recent.seconds)") }
        if recent.reap { words.add("--reap") }
        if recent.hitCount != 0 { words.add("--hitcount \(recent.hitCount)") }
        if recent.rttl { words.add("--rttl") }
        words.add("--name \(recent.name)")
        let allOnes = family == .ipv4 ? "255.255.255.255" : "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        words.add("--mask \(recent.mask?.description ?? allOnes)")
        words.add(recent.destination ? "--rdest" : "--rsource")
    }

    private static func addrtype(_ match: AddrTypeMatch, into words: inout Words) {
        func names(_ bits: UInt16) -> String {
            AddrTypeMatch.typeNames.indices.filter { bits & (1 << UInt16($0)) != 0 }
                .map { AddrTypeMatch.typeNames[$0] }.joined(separator: ",")
        }
        if match.sourceTypes != 0 {
            words.negate(match.sourceNegated)
            words.add("--src-type \(names(match.sourceTypes))")
        }
        if match.destinationTypes != 0 {
            words.negate(match.destinationNegated)
            words.add("--dst-type \(names(match.destinationTypes))")
        }
        if match.limitIfaceIn { words.add("--limit-iface-in") }
        if match.limitIfaceOut { words.add("--limit-iface-out") }
    }

    private static func conntrack(_ match: ConntrackMatch, into words: inout Words) {
        if let states = match.states {
            words.negate(match.statesNegated)
            words.add("--ctstate \(stateNames(states))")
        }
        if let status = match.status {
            words.negate(match.statusNegated)
            let names = ConntrackMatch.statusNames.filter { status & $0.1 != 0 }.map(\.0)
            words.add("--ctstatus " + (names.isEmpty ? "NONE" : names.joined(separator: ",")))
        }
        if let reply = match.directionReply { words.add("--ctdir \(reply ? "REPLY" : "ORIGINAL")") }
    }

    private static func physdev(_ match: PhysdevMatch, into words: inout Words) {
        if let input = match.physdevIn {
            words.negate(input.negated)
            words.add("--physdev-in \(input.name)")
        }
        if let output = match.physdevOut {
            words.negate(output.negated)
            words.add("--physdev-out \(output.name)")
        }
        for (flag, name) in [(match.isIn, "--physdev-is-in"), (match.isOut, "--physdev-is-out"), (match.isBridged, "--physdev-is-bridged")] {
            guard let flag else { continue }
            words.negate(flag.negated)
            words.add(name)
        }
    }

    /// `N/unit` with the largest unit that divides evenly enough (libxt_limit's print_rate).
    static func rate(_ period: UInt32) -> String {
        guard period != 0 else { return "inf" }
        let units = LimitMatch.units
        var index = 1
        while index < units.count {
            let mult = units[index].1
            if period > mult || mult / period < mult % period { break }
            index += 1
        }
        return "\(units[index - 1].1 / period)/\(units[index - 1].0)"
    }
}

/// Space-separated words with iptables' ` !` negation prefix.
struct Words {
    private(set) var text = ""

    mutating func negate(_ negated: Bool) { if negated { add("!") } }

    mutating func add(_ word: String) {
        guard !word.isEmpty else { return }
        text += text.isEmpty ? word : " " + word
    }
}
