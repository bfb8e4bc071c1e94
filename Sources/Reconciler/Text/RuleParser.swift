/// Parses the words of one rule (everything after `-A CHAIN`) into a canonical `Rule`.
struct RuleParser {
    let tokens: [Token]
    let line: [Character]
    let family: IPFamily

    private var rule = Rule()
    private var segments: [ExtensionSegment] = []
    private var targetSegment: ExtensionSegment?
    /// Index of the segment options currently go to: `segments.count` means the target.
    private var current: Int?

    init(tokens: [Token], line: [Character], family: IPFamily) {
        self.tokens = tokens
        self.line = line
        self.family = family
    }

    /// Parses the rule, or throws a syntax error naming the offending token.
    static func parse(_ tokens: [Token], line: [Character], family: IPFamily) throws(RuleSyntaxError) -> Rule {
        var parser = RuleParser(tokens: tokens, line: line, family: family)
        return try parser.run()
    }

    private mutating func run() throws(RuleSyntaxError) -> Rule {
        var index = 0
        while index < tokens.count {
            var negation: Token?
            if tokens[index].text == "!" && !tokens[index].quoted {
                negation = tokens[index]
                index += 1
                guard index < tokens.count else { throw RuleSyntaxError(negation, "'!' at end of rule", expected: "an option after '!'") }
            }
            index = try step(at: index, negation: negation)
        }
        for segment in segments { rule.matches.append(try ExtensionCodecs.match(segment, raw: rawText(segment), family: family)) }
        if let segment = targetSegment {
            rule.target = try ExtensionCodecs.target(segment, raw: rawText(segment), family: family)
        }
        return rule
    }

    /// Handles the option at `index`; returns the index of the next unread token.
    private mutating func step(at index: Int, negation: Token?) throws(RuleSyntaxError) -> Int {
        let token = tokens[index]
        if token.text == "-f" || token.text == "--fragment" {
            guard rule.fragment == nil else { throw RuleSyntaxError(token, "-f given twice") }
            rule.fragment = Negation(negated: negation != nil)
            return index + 1
        }
        if let basic = BasicOption(token.text) {
            let value = try valueToken(after: index, for: token)
            try BasicOptions.apply(basic, value: value, negation: negation, to: &rule, family: family)
            return index + 2
        }
        switch token.text {
        case "-m", "--match":
            if let negation { throw RuleSyntaxError(negation, "'!' cannot negate -m") }
            let name = try valueToken(after: index, for: token)
            segments.append(ExtensionSegment(name: name, isTarget: false))
            current = segments.count - 1
            return index + 2
        case "-j", "--jump", "-g", "--goto":
            if let negation { throw RuleSyntaxError(negation, "'!' cannot negate \(token.text)") }
            guard targetSegment == nil else { throw RuleSyntaxError(token, "a rule takes only one target") }
            let name = try valueToken(after: index, for: token)
            var segment = ExtensionSegment(name: name, isTarget: true)
            segment.isGoto = token.text == "-g" || token.text == "--goto"
            targetSegment = segment
            current = segments.count
            return index + 2
        case "-c", "--set-counters":
            return index + 3
        default:
            guard token.isOption else {
                throw RuleSyntaxError(token, "unexpected word '\(token.text)'", expected: "an option")
            }
            return try extensionOption(at: index, negation: negation)
        }
    }

    /// Assigns the option at `index` and its values to the extension that owns it.
    private mutating func extensionOption(at index: Int, negation: Token?) throws(RuleSyntaxError) -> Int {
        let token = tokens[index]
        let owner = try owner(of: token)
        var end = index + 1
        while end < tokens.count && !tokens[end].isOption && !(tokens[end].text == "!" && !tokens[end].quoted) {
            end += 1
        }
        let option = ExtensionOption(name: token, negated: negation != nil, values: Array(tokens[(index + 1)..<end]))
        let first = negation == nil ? index : index - 1
        if owner == segments.count {
            targetSegment!.options.append(option)
            targetSegment!.tokenIndices += Array(first..<end)
        } else {
            segments[owner].options.append(option)
            segments[owner].tokenIndices += Array(first..<end)
        }
        return end
    }

    /// The segment index an option belongs to: the current extension or an earlier match that
    /// knows the option, then an implicit protocol match (`-p tcp --dport 80`), then the current
    /// extension anyway (which then keeps its options as unknown text).
    private mutating func owner(of option: Token) throws(RuleSyntaxError) -> Int {
        if let current, ExtensionCodecs.declares(segment(at: current), option: option.text) { return current }
        for index in segments.indices.reversed() where ExtensionCodecs.declares(segments[index], option: option.text) {
            return index
        }
        if let proto = rule.proto, !proto.negated, let name = ProtocolNames.implicitMatch(for: proto.number, family: family) {
            var implicit = ExtensionSegment(name: Token(text: name, column: option.column, start: option.start, end: option.start), isTarget: false)
            implicit.implicit = true
            if ExtensionCodecs.declares(implicit, option: option.text) {
                segments.append(implicit)
                current = segments.count - 1
                return segments.count - 1
            }
        }
        if let current { return current }
        throw RuleSyntaxError(option, "unknown option '\(option.text)'", expected: "an option of a -m or -j extension in this rule")
    }

    private func segment(at index: Int) -> ExtensionSegment {
        index == segments.count ? targetSegment! : segments[index]
    }

    private func valueToken(after index: Int, for option: Token) throws(RuleSyntaxError) -> Token {
        guard index + 1 < tokens.count, !tokens[index + 1].isOption || option.text == "-c" else {
            throw RuleSyntaxError(option, "option \(option.text) needs a value", expected: "a value after \(option.text)")
        }
        return tokens[index + 1]
    }

    /// The exact option text of a segment when its words are contiguous in the line.
    private func rawText(_ segment: ExtensionSegment) -> String {
        let indices = segment.tokenIndices
        guard let first = indices.first, let last = indices.last else { return "" }
        if indices == Array(first...last) {
            return String(line[tokens[first].start..<tokens[last].end])
        }
        return indices.map { SaveQuoting.quoteIfNeeded(tokens[$0].text) }.joined(separator: " ")
    }
}
