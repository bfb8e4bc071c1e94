/// Reads NAT ranges and flags shared by DNAT, SNAT, MASQUERADE and REDIRECT.
enum NATOptions {
    /// `ADDR[-ADDR][:PORT[-PORT]]`; IPv6 addresses with a port are bracketed.
    static func range(_ token: Token, family: IPFamily) throws(RuleSyntaxError) -> NATTarget {
        var text = Substring(token.text)
        var portText: Substring?
        if family == .ipv6, text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw RuleSyntaxError(token, "missing ']'") }
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty { throw RuleSyntaxError(token, "bad NAT range") }
            text = text[text.index(after: text.startIndex)..<close]
        } else if family == .ipv4, let colon = text.firstIndex(of: ":") {
            portText = text[text.index(after: colon)...]
            text = text[..<colon]
        }
        var target = NATTarget(minAddress: nil)
        if !text.isEmpty {
            let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard let low = IPAddress(parts[0]), low.family == family,
                  let high = parts.count == 2 ? IPAddress(parts[1]) : low, high.family == family else {
                throw RuleSyntaxError(token, "bad NAT address '\(text)'", expected: "ADDR[-ADDR][:PORT[-PORT]]")
            }
            target.minAddress = low
            target.maxAddress = high
        }
        if let portText {
            var portToken = token
            portToken.text = String(portText)
            target.ports = try OptionValues.portRange(portToken, separator: "-")
        }
        return target
    }

    /// Applies `--random`, `--random-fully`, `--persistent`; false for any other option.
    static func flag(_ option: ExtensionOption, random: inout Bool, fully: inout Bool, persistent: inout Bool?) throws -> Bool {
        switch option.name.text {
        case "--random": random = true
        case "--random-fully": fully = true
        case "--persistent":
            guard persistent != nil else { return false }
            persistent = true
        default: return false
        }
        try option.flag()
        return true
    }
}

enum DNATCodec: TargetTextCodec {
    static let options: Set<String> = ["--to-destination", "--random", "--persistent"]
    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target {
        .dnat(try NATCodecHelper.parse(options, family: family, rangeOption: "--to-destination", fully: false))
    }
}

enum SNATCodec: TargetTextCodec {
    static let options: Set<String> = ["--to-source", "--random", "--random-fully", "--persistent"]
    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target {
        .snat(try NATCodecHelper.parse(options, family: family, rangeOption: "--to-source", fully: true))
    }
}

enum NATCodecHelper {
    static func parse(_ options: [ExtensionOption], family: IPFamily, rangeOption: String, fully allowsFully: Bool) throws -> NATTarget {
        var target: NATTarget?
        var random = false, fully = false
        var persistent: Bool? = false
        for option in options where !option.negated {
            if try NATOptions.flag(option, random: &random, fully: &fully, persistent: &persistent) { continue }
            guard option.name.text == rangeOption, target == nil else { throw UnsupportedOption() }
            target = try NATOptions.range(try option.value(), family: family)
        }
        guard var target, options.allSatisfy({ !$0.negated }), allowsFully || !fully else { throw UnsupportedOption() }
        target.random = random
        target.randomFully = fully
        target.persistent = persistent ?? false
        return target
    }
}

enum MasqueradeCodec: TargetTextCodec {
    static let options: Set<String> = ["--to-ports", "--random", "--random-fully"]
    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target {
        .masquerade(try parsePorts(options, allowsFully: true))
    }

    static func parsePorts(_ options: [ExtensionOption], allowsFully: Bool) throws -> MasqueradeTarget {
        var target = MasqueradeTarget()
        var persistent: Bool?
        for option in options {
            guard !option.negated else { throw UnsupportedOption() }
            if try NATOptions.flag(option, random: &target.random, fully: &target.randomFully, persistent: &persistent) { continue }
            guard option.name.text == "--to-ports", target.ports == nil else { throw UnsupportedOption() }
            target.ports = try OptionValues.portRange(try option.value(), separator: "-")
        }
        guard allowsFully || !target.randomFully else { throw UnsupportedOption() }
        return target
    }
}

enum RedirectCodec: TargetTextCodec {
    static let options: Set<String> = ["--to-ports", "--random"]
    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target {
        .redirect(try MasqueradeCodec.parsePorts(options, allowsFully: false))
    }
}
