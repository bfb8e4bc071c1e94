import Foundation

enum StatisticCodec: MatchTextCodec {
    static let options: Set<String> = ["--mode", "--probability", "--every", "--packet"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        var mode: String?, probability: Double?, every: UInt32?, packet: UInt32 = 0
        var negated = false
        for option in options {
            negated = negated || option.negated
            let token = try option.value()
            switch option.name.text {
            case "--mode": mode = token.text
            case "--probability":
                guard let value = Double(token.text), (0...1).contains(value) else {
                    throw RuleSyntaxError(token, "bad probability '\(token.text)'", expected: "a number from 0 to 1")
                }
                probability = value
            case "--every":
                let value = try OptionValues.uint32(token)
                guard value >= 1 else { throw RuleSyntaxError(token, "--every must be at least 1") }
                every = value
            default: packet = try OptionValues.uint32(token)
            }
        }
        switch (mode, probability, every) {
        case ("random", let probability?, nil):
            return .statistic(.random(probability, negated: negated))
        case ("nth", nil, let every?) where packet < every:
            return .statistic(StatisticMatch(mode: .nth(every: every, packet: packet), negated: negated))
        default:
            let name = options.first?.name
            throw RuleSyntaxError(name, "inconsistent statistic options",
                                  expected: "--mode random --probability P, or --mode nth --every N [--packet P<N]")
        }
    }
}

enum RecentCodec: MatchTextCodec {
    static let options: Set<String> = [
        "--name", "--set", "--rcheck", "--update", "--remove", "--seconds", "--reap", "--hitcount",
        "--rttl", "--mask", "--rsource", "--rdest",
    ]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        var match = RecentMatch(command: .rcheck)
        var command: RecentMatch.Command?
        for option in options {
            if let given = RecentMatch.Command(rawValue: option.name.text) {
                try option.flag()
                guard command == nil else { throw RuleSyntaxError(option.name, "only one of --set, --rcheck, --update, --remove") }
                command = given
                match.negated = option.negated
                continue
            }
            try apply(option, to: &match, family: family)
        }
        guard let command else {
            throw RuleSyntaxError(options.first?.name, "recent needs a command", expected: "--set, --rcheck, --update or --remove")
        }
        match.command = command
        return .recent(match)
    }

    private static func apply(_ option: ExtensionOption, to match: inout RecentMatch, family: IPFamily) throws {
        switch option.name.text {
        case "--reap": try option.flag(); match.reap = true
        case "--rttl": try option.flag(); match.rttl = true
        case "--rsource": try option.flag(); match.destination = false
        case "--rdest": try option.flag(); match.destination = true
        case "--name": match.name = try option.value().text
        case "--seconds": match.seconds = try OptionValues.uint32(try option.value())
        case "--hitcount": match.hitCount = try OptionValues.uint32(try option.value())
        default:
            let token = try option.value()
            guard let mask = IPAddress(token.text), mask.family == family else {
                throw RuleSyntaxError(token, "bad --mask '\(token.text)'", expected: "an address mask")
            }
            match.mask = mask.bytes.allSatisfy { $0 == 0xff } ? nil : mask
        }
    }
}

enum CommentCodec: MatchTextCodec {
    static let options: Set<String> = ["--comment"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        guard options.count == 1, let option = options.first, !option.negated else { throw UnsupportedOption() }
        let token = try option.value()
        guard token.text.utf8.count <= 255 else {
            throw RuleSyntaxError(token, "comment too long", expected: "at most 255 bytes")
        }
        return .comment(token.text)
    }
}

enum LimitCodec: MatchTextCodec {
    static let options: Set<String> = ["--limit", "--limit-burst"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        var match = LimitMatch(average: 10000 * 3600 / 3)
        for option in options {
            guard !option.negated else { throw UnsupportedOption() }
            let token = try option.value()
            if option.name.text == "--limit-burst" {
                match.burst = try OptionValues.uint32(token)
            } else {
                match.average = try rate(token)
            }
        }
        return .limit(match)
    }

    /// `N[/second|minute|hour|day]` (any prefix of the unit) -> the kernel's average period.
    static func rate(_ token: Token) throws(RuleSyntaxError) -> UInt32 {
        let parts = token.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var multiplier: UInt64 = 1
        if parts.count == 2 {
            let unit = parts[1].lowercased()
            let units: [(String, UInt64)] = [("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400)]
            guard !unit.isEmpty, let found = units.first(where: { $0.0.hasPrefix(unit) }) else {
                throw RuleSyntaxError(token, "bad rate unit '\(parts[1])'", expected: "second, minute, hour or day")
            }
            multiplier = found.1
        }
        guard let count = UInt64(parts[0]), count > 0, 10000 * multiplier / count > 0 else {
            throw RuleSyntaxError(token, "bad rate '\(token.text)'", expected: "N/unit with N > 0")
        }
        return UInt32(10000 * multiplier / count)
    }
}

enum NfacctCodec: MatchTextCodec {
    static let options: Set<String> = ["--nfacct-name"]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        guard options.count == 1, let option = options.first, !option.negated else { throw UnsupportedOption() }
        let token = try option.value()
        guard !token.text.isEmpty, token.text.utf8.count < 32 else {
            throw RuleSyntaxError(token, "bad nfacct name '\(token.text)'", expected: "1 to 31 bytes")
        }
        return .nfacct(token.text)
    }
}
