enum ConntrackCodec: MatchTextCodec {
    static let options: Set<String> = ["--ctstate", "--ctstatus", "--ctdir"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        var match = ConntrackMatch()
        for option in options {
            let token = try option.value()
            switch option.name.text {
            case "--ctstate":
                match.states = try StateCodec.states(token)
                match.statesNegated = option.negated
            case "--ctstatus":
                let bits = try OptionValues.nameList(token, what: "conntrack status") { name in
                    ConntrackMatch.statusNames.first { $0.0 == name.uppercased() }?.1
                }
                match.status = bits.reduce(0, |)
                match.statusNegated = option.negated
            default:
                guard !option.negated, ["ORIGINAL", "REPLY"].contains(token.text.uppercased()) else {
                    throw RuleSyntaxError(token, "bad --ctdir '\(token.text)'", expected: "ORIGINAL or REPLY")
                }
                match.directionReply = token.text.uppercased() == "REPLY"
            }
        }
        return .conntrack(match)
    }
}

enum StateCodec: MatchTextCodec {
    static let options: Set<String> = ["--state"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        guard options.count == 1, let option = options.first else { throw UnsupportedOption() }
        return .state(StateMatch(states: try states(try option.value()), negated: option.negated))
    }

    static func states(_ token: Token) throws(RuleSyntaxError) -> ConntrackStates {
        let bits = try OptionValues.nameList(token, what: "conntrack state") { name in
            ConntrackStates.printOrder.first { $0.0 == name.uppercased() }?.1
        }
        return bits.reduce(into: ConntrackStates()) { $0.formUnion($1) }
    }
}

enum MarkMatchCodec: MatchTextCodec {
    static let options: Set<String> = ["--mark"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        guard options.count == 1, let option = options.first else { throw UnsupportedOption() }
        let (value, mask) = try OptionValues.valueMask(try option.value())
        return .mark(MarkMatch(value: value, mask: mask, negated: option.negated))
    }
}

enum AddrTypeCodec: MatchTextCodec {
    static let options: Set<String> = ["--src-type", "--dst-type", "--limit-iface-in", "--limit-iface-out"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        var match = AddrTypeMatch()
        for option in options {
            switch option.name.text {
            case "--limit-iface-in": try option.flag(); match.limitIfaceIn = true
            case "--limit-iface-out": try option.flag(); match.limitIfaceOut = true
            case "--src-type":
                match.sourceTypes = try types(try option.value())
                match.sourceNegated = option.negated
            default:
                match.destinationTypes = try types(try option.value())
                match.destinationNegated = option.negated
            }
        }
        return .addrtype(match)
    }

    private static func types(_ token: Token) throws(RuleSyntaxError) -> UInt16 {
        try OptionValues.nameList(token, what: "address type", AddrTypeMatch.bit(of:)).reduce(0, |)
    }
}

enum PhysdevCodec: MatchTextCodec {
    static let options: Set<String> = [
        "--physdev-in", "--physdev-out", "--physdev-is-in", "--physdev-is-out", "--physdev-is-bridged",
    ]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        var match = PhysdevMatch()
        for option in options {
            let flag = Negation(negated: option.negated)
            switch option.name.text {
            case "--physdev-in": match.physdevIn = InterfaceMatch(try option.value().text, negated: option.negated)
            case "--physdev-out": match.physdevOut = InterfaceMatch(try option.value().text, negated: option.negated)
            case "--physdev-is-in": try option.flag(); match.isIn = flag
            case "--physdev-is-out": try option.flag(); match.isOut = flag
            default: try option.flag(); match.isBridged = flag
            }
        }
        return .physdev(match)
    }
}

enum SetCodec: MatchTextCodec {
    static let options: Set<String> = ["--match-set", "--set", "--return-nomatch"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        var match: SetMatch?
        var returnNoMatch = false
        for option in options {
            if option.name.text == "--return-nomatch" { try option.flag(); returnNoMatch = true; continue }
            guard match == nil, option.values.count == 2 else { throw UnsupportedOption() }
            let flags = option.values[1]
            let directions = try OptionValues.nameList(flags, what: "set direction") { name -> Bool? in
                name == "src" ? true : name == "dst" ? false : nil
            }
            match = SetMatch(setName: option.values[0].text, directions: directions, negated: option.negated)
        }
        guard var match else { throw UnsupportedOption() }
        match.returnNoMatch = returnNoMatch
        return .set(match)
    }
}
