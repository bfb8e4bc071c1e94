/// The fixed header options of a rule that take a value.
enum BasicOption {
    case source, destination, inInterface, outInterface, proto

    init?(_ text: String) {
        switch text {
        case "-s", "--source", "--src": self = .source
        case "-d", "--destination", "--dst": self = .destination
        case "-i", "--in-interface": self = .inInterface
        case "-o", "--out-interface": self = .outInterface
        case "-p", "--protocol": self = .proto
        default: return nil
        }
    }
}

/// Parses and stores `-s -d -i -o -p` values into a rule.
enum BasicOptions {
    static func apply(_ option: BasicOption, value: Token, negation: Token?, to rule: inout Rule,
                      family: IPFamily) throws(RuleSyntaxError) {
        let negated = negation != nil
        switch option {
        case .source, .destination:
            guard let cidr = CIDR(value.text), cidr.family == family else {
                throw RuleSyntaxError(value, "bad address '\(value.text)'", expected: "an \(family == .ipv4 ? "IPv4" : "IPv6") address or CIDR")
            }
            let match = AddressMatch(cidr, negated: negated)
            if option == .source { try once(rule.source, value); rule.source = match }
            else { try once(rule.destination, value); rule.destination = match }
        case .inInterface, .outInterface:
            guard !value.text.isEmpty, value.text.utf8.count < 16, !value.text.contains("/") else {
                throw RuleSyntaxError(value, "bad interface name '\(value.text)'", expected: "1 to 15 characters")
            }
            let match = InterfaceMatch(value.text, negated: negated)
            if option == .inInterface { try once(rule.inInterface, value); rule.inInterface = match }
            else { try once(rule.outInterface, value); rule.outInterface = match }
        case .proto:
            guard let number = ProtocolNames.number(of: value.text) else {
                throw RuleSyntaxError(value, "unknown protocol '\(value.text)'", expected: "a protocol name or number")
            }
            try once(rule.proto, value)
            rule.proto = number == 0 && !negated ? nil : ProtocolMatch(number, negated: negated)
        }
    }

    private static func once<T>(_ existing: T?, _ token: Token) throws(RuleSyntaxError) {
        if existing != nil { throw RuleSyntaxError(token, "option given twice") }
    }
}
