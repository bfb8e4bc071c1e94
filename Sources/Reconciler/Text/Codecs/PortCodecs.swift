/// Reads `--sport`/`--dport` options shared by tcp, udp and sctp.
enum PortOptions {
    static let names: Set<String> = ["--sport", "--source-port", "--dport", "--destination-port"]

    /// Applies a port option to `ports`; returns false when the option is not a port option.
    static func apply(_ option: ExtensionOption, to ports: inout PortMatch) throws -> Bool {
        switch option.name.text {
        case "--sport", "--source-port":
            guard ports.source == nil else { throw RuleSyntaxError(option.name, "--sport given twice") }
            ports.source = PortSpec(try OptionValues.portRange(try option.value()), negated: option.negated)
        case "--dport", "--destination-port":
            guard ports.destination == nil else { throw RuleSyntaxError(option.name, "--dport given twice") }
            ports.destination = PortSpec(try OptionValues.portRange(try option.value()), negated: option.negated)
        default:
            return false
        }
        return true
    }

    static func parse(_ options: [ExtensionOption]) throws -> PortMatch {
        var ports = PortMatch()
        for option in options where try !apply(option, to: &ports) { throw UnsupportedOption() }
        return ports
    }
}

enum TCPCodec: MatchTextCodec {
    static let options = PortOptions.names.union(["--tcp-flags", "--syn"])

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        var match = TCPMatch()
        for option in options where try !PortOptions.apply(option, to: &match.ports) {
            guard match.flags == nil else { throw RuleSyntaxError(option.name, "TCP flags given twice") }
            switch option.name.text {
            case "--syn":
                try option.flag()
                match.flags = TCPFlags(mask: 0x17, compare: 0x02, negated: option.negated)
            case "--tcp-flags":
                guard option.values.count == 2 else {
                    throw RuleSyntaxError(option.name, "--tcp-flags needs MASK and COMP", expected: "two flag lists")
                }
                let mask = try flags(option.values[0]), compare = try flags(option.values[1])
                match.flags = TCPFlags(mask: mask, compare: compare, negated: option.negated)
            default:
                throw UnsupportedOption()
            }
        }
        return .tcp(match)
    }

    private static func flags(_ token: Token) throws(RuleSyntaxError) -> UInt8 {
        if token.text == "NONE" { return 0 }
        if token.text == "ALL" { return 0x3f }
        let bits = try OptionValues.nameList(token, what: "TCP flag") { name in
            TCPFlags.names.first { $0.0 == name.uppercased() }?.1
        }
        return bits.reduce(0, |)
    }
}

enum UDPCodec: MatchTextCodec {
    static let options = PortOptions.names
    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        .udp(try PortOptions.parse(options))
    }
}

enum SCTPCodec: MatchTextCodec {
    static let options = PortOptions.names
    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        .sctp(try PortOptions.parse(options))
    }
}

enum MultiportCodec: MatchTextCodec {
    static let options: Set<String> = [
        "--sports", "--source-ports", "--dports", "--destination-ports", "--ports",
    ]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        guard options.count == 1, let option = options.first else { throw UnsupportedOption() }
        let direction: MultiportMatch.Direction
        switch option.name.text {
        case "--sports", "--source-ports": direction = .source
        case "--dports", "--destination-ports": direction = .destination
        default: direction = .either
        }
        let token = try option.value()
        var ranges: [PortRange] = []
        for part in token.text.split(separator: ",", omittingEmptySubsequences: false) {
            var piece = token
            piece.text = String(part)
            ranges.append(try OptionValues.portRange(piece))
        }
        guard ranges.count <= 15 else { throw RuleSyntaxError(token, "too many ports", expected: "at most 15") }
        return .multiport(MultiportMatch(direction: direction, ports: ranges, negated: option.negated))
    }
}
