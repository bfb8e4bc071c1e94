/// Prints targets as iptables-save does (`-j NAME options`, `-g CHAIN`).
enum TargetRenderer {
    static func render(_ target: Target, family: IPFamily) -> String {
        var words = Words()
        switch target {
        case .goto(let chain): return "-g \(chain)"
        case .accept, .drop, .return, .queue, .jump, .notrack: break
        case .dnat(let nat):
            words.add("--to-destination \(range(nat, family: family))")
            if nat.random { words.add("--random") }
            if nat.persistent { words.add("--persistent") }
        case .snat(let nat):
            words.add("--to-source \(range(nat, family: family))")
            if nat.random { words.add("--random") }
            if nat.randomFully { words.add("--random-fully") }
            if nat.persistent { words.add("--persistent") }
        case .masquerade(let masquerade), .redirect(let masquerade):
            if let ports = masquerade.ports { words.add("--to-ports \(dashed(ports))") }
            if masquerade.random { words.add("--random") }
            if masquerade.randomFully { words.add("--random-fully") }
        case .mark(let mark):
            words.add("--set-xmark \(MatchRenderer.hex(mark.value))/\(MatchRenderer.hex(mark.mask))")
        case .reject(let reject):
            words.add("--reject-with \(reject.with)")
        case .log(let log): self.log(log, into: &words)
        case .ct(let ct):
            if ct.notrack { words.add("--notrack") }
            if let helper = ct.helper { words.add("--helper \(helper)") }
            if let zone = ct.zone { words.add("--zone \(zone)") }
        case .unknown(let other): words.add(other.options)
        }
        return words.text.isEmpty ? "-j \(target.name)" : "-j \(target.name) \(words.text)"
    }

    private static func log(_ log: LogTarget, into words: inout Words) {
        if !log.prefix.isEmpty { words.add("--log-prefix \(SaveQuoting.quoteIfNeeded(log.prefix))") }
        if log.level != 4 { words.add("--log-level \(log.level)") }
        for (name, bit) in LogTarget.flagNames where log.flags & bit != 0 { words.add(name) }
    }

    private static func dashed(_ range: PortRange) -> String {
        range.low == range.high ? "\(range.low)" : "\(range.low)-\(range.high)"
    }

    /// `ADDR[-ADDR][:PORT[-PORT]]`, IPv6 addresses in brackets.
    static func range(_ nat: NATTarget, family: IPFamily) -> String {
        var out = ""
        if let low = nat.minAddress {
            out = low.description
            if let high = nat.maxAddress, high != low { out += "-\(high)" }
            if family == .ipv6 { out = "[\(out)]" }
        }
        if let ports = nat.ports { out += ":\(dashed(ports))" }
        return out
    }
}
