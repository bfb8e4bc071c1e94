enum MarkTargetCodec: TargetTextCodec {
    static let options: Set<String> = ["--set-xmark", "--set-mark", "--or-mark", "--xor-mark", "--and-mark"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target {
        guard options.count == 1, let option = options.first, !option.negated else { throw UnsupportedOption() }
        let token = try option.value()
        switch option.name.text {
        case "--set-xmark":
            let (value, mask) = try OptionValues.valueMask(token)
            return .mark(MarkTarget(value: value, mask: mask))
        case "--set-mark":
            let (value, mask) = try OptionValues.valueMask(token)
            return .mark(.set(value, mask: mask))
        case "--or-mark": return .mark(.or(try OptionValues.uint32(token)))
        case "--xor-mark": return .mark(.xor(try OptionValues.uint32(token)))
        default: return .mark(.and(try OptionValues.uint32(token)))
        }
    }
}

enum RejectCodec: TargetTextCodec {
    static let options: Set<String> = ["--reject-with"]

    /// Canonical names with the aliases iptables also accepts.
    static let ipv4Types: [(String, String)] = [
        ("icmp-net-unreachable", "net-unreach"), ("icmp-host-unreachable", "host-unreach"),
        ("icmp-proto-unreachable", "proto-unreach"), ("icmp-port-unreachable", "port-unreach"),
        ("icmp-net-prohibited", "net-prohib"), ("icmp-host-prohibited", "host-prohib"),
        ("tcp-reset", "tcp-rst"), ("icmp-admin-prohibited", "admin-prohib"),
    ]
    static let ipv6Types: [(String, String)] = [
        ("icmp6-no-route", "no-route"), ("icmp6-adm-prohibited", "adm-prohibited"),
        ("icmp6-addr-unreachable", "addr-unreach"), ("icmp6-port-unreachable", "port-unreach"),
        ("tcp-reset", "tcp-rst"), ("icmp6-policy-fail", "policy-fail"), ("icmp6-reject-route", "reject-route"),
    ]

    /// The default `--reject-with` of a family.
    static func defaultType(_ family: IPFamily) -> String {
        family == .ipv4 ? "icmp-port-unreachable" : "icmp6-port-unreachable"
    }

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target {
        guard let option = options.first else { return .reject(RejectTarget(with: defaultType(family))) }
        guard options.count == 1, !option.negated else { throw UnsupportedOption() }
        let token = try option.value()
        let table = family == .ipv4 ? ipv4Types : ipv6Types
        guard let found = table.first(where: { $0.0 == token.text || $0.1 == token.text }) else {
            throw RuleSyntaxError(token, "unknown reject type '\(token.text)'", expected: table.map(\.0).joined(separator: ", "))
        }
        return .reject(RejectTarget(with: found.0))
    }
}

enum LogCodec: TargetTextCodec {
    static let options: Set<String> = Set(["--log-prefix", "--log-level"] + LogTarget.flagNames.map(\.0))
    static let levels = ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target {
        var log = LogTarget()
        for option in options {
            guard !option.negated else { throw UnsupportedOption() }
            if let flag = LogTarget.flagNames.first(where: { $0.0 == option.name.text }) {
                try option.flag()
                log.flags |= flag.1
                continue
            }
            let token = try option.value()
            if option.name.text == "--log-prefix" {
                guard token.text.utf8.count <= 29 else { throw RuleSyntaxError(token, "log prefix too long", expected: "at most 29 bytes") }
                log.prefix = token.text
            } else {
                log.level = try level(token)
            }
        }
        return .log(log)
    }

    private static func level(_ token: Token) throws(RuleSyntaxError) -> UInt8 {
        let aliases = ["err": 3, "warn": 4, "panic": 0]
        if let index = levels.firstIndex(of: token.text.lowercased()) { return UInt8(index) }
        if let alias = aliases[token.text.lowercased()] { return UInt8(alias) }
        guard let value = UInt8(token.text), value <= 7 else {
            throw RuleSyntaxError(token, "bad log level '\(token.text)'", expected: "0-7 or a level name")
        }
        return value
    }
}

enum CTCodec: TargetTextCodec {
    static let options: Set<String> = ["--notrack", "--helper", "--zone"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target {
        var target = CTTarget()
        for option in options {
            guard !option.negated else { throw UnsupportedOption() }
            switch option.name.text {
            case "--notrack": try option.flag(); target.notrack = true
            case "--helper": target.helper = try option.value().text
            default:
                let value = try OptionValues.number(try option.value(), max: UInt64(UInt16.max))
                target.zone = UInt16(value)
            }
        }
        return .ct(target)
    }
}
