/// Parses iptables-save and iptables-restore text into a `RestoreScript`.
///
/// Accepts `#` comments, blank lines, LF, CRLF and bare CR line ends, `[p:b]` counters and
/// leading blanks. Errors name the line and column and say what was expected.
public enum RestoreParser {
    /// Parses a whole document.
    public static func parse(_ text: String, family: IPFamily = .ipv4) throws(ParseError) -> RestoreScript {
        var state = ParserState(family: family)
        var number = 0
        for raw in lines(of: text) {
            number += 1
            let line = Array(raw)
            let first = line.firstIndex { $0 != " " && $0 != "\t" }
            guard let first, line[first] != "#" else { continue }
            try state.consume(line, from: first, number: number)
        }
        if let open = state.open {
            throw ParseError(line: number, column: 0, message: "table '\(open.name.rawValue)' (line \(open.line)) has no COMMIT",
                             expected: "COMMIT before end of input")
        }
        return state.script
    }

    /// Parses text and applies it to an empty ruleset (iptables-save files).
    public static func ruleset(_ text: String, family: IPFamily = .ipv4) throws(ParseError) -> Ruleset {
        try parse(text, family: family).apply(to: Ruleset(family: family), noflush: false)
    }

    static func lines(of text: String) -> [Substring] {
        var out: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let char = text[index]
            if char == "\n" || char == "\r" || char == "\r\n" {
                out.append(text[start..<index])
                index = text.index(after: index)
                start = index
            } else {
                index = text.index(after: index)
            }
        }
        if start < text.endIndex { out.append(text[start...]) }
        return out
    }
}

/// The line-by-line state of a parse: the script so far and the open table block.
struct ParserState {
    var script: RestoreScript
    var open: TableBlock?

    init(family: IPFamily) { script = RestoreScript(family: family) }

    mutating func consume(_ line: [Character], from first: Int, number: Int) throws(ParseError) {
        let body = Array(line[first...])
        let trimmed = String(body).trimmingTrailingBlanks()
        if trimmed.hasPrefix("*") {
            try openTable(String(trimmed.dropFirst()), line: number, column: first + 1)
        } else if trimmed == "COMMIT" {
            guard let block = open else { throw ParseError(line: number, column: first + 1, message: "COMMIT outside a table", expected: "*table first") }
            script.tables.append(block)
            open = nil
        } else if trimmed.hasPrefix(":") {
            try declareChain(line, from: first, number: number)
        } else {
            try command(line, from: first, number: number)
        }
    }

    private mutating func openTable(_ name: String, line: Int, column: Int) throws(ParseError) {
        if let block = open {
            throw ParseError(line: line, column: column, message: "new table while '\(block.name.rawValue)' (line \(block.line)) is open",
                             expected: "COMMIT")
        }
        guard let table = TableName(rawValue: name) else {
            throw ParseError(line: line, column: column + 1, message: "unknown table '\(name)'",
                             expected: TableName.allCases.map(\.rawValue).joined(separator: ", "))
        }
        open = TableBlock(name: table, line: line)
    }

    private mutating func declareChain(_ line: [Character], from first: Int, number: Int) throws(ParseError) {
        guard open != nil else {
            throw ParseError(line: number, column: first + 1, message: "chain declaration outside a table", expected: "*table first")
        }
        let tokens = try tokenize(line, number: number)
        let name = String(tokens[0].text.dropFirst())
        guard ChainNames.isValid(name) else {
            throw ParseError(line: number, column: tokens[0].column + 1, message: "bad chain name '\(name)'", expected: "1 to 28 characters")
        }
        guard tokens.count >= 2, tokens.count <= 3 else {
            throw ParseError(line: number, column: tokens[0].column, message: "bad chain declaration", expected: ":CHAIN POLICY [packets:bytes]")
        }
        let policy: Policy?
        switch tokens[1].text {
        case "-": policy = nil
        case "ACCEPT", "DROP": policy = Policy(rawValue: tokens[1].text)
        default:
            throw ParseError(line: number, column: tokens[1].column, message: "bad policy '\(tokens[1].text)'", expected: "ACCEPT, DROP or -")
        }
        let counters = tokens.count == 3 ? try CounterText.parse(tokens[2], line: number) : .zero
        open!.declarations.append(ChainDeclaration(name: name, policy: policy, counters: counters, line: number))
    }

    private mutating func command(_ line: [Character], from first: Int, number: Int) throws(ParseError) {
        // Only the name: a copy of the open block would make each append below copy every
        // command parsed so far (quadratic in the input).
        guard let table = open?.name else {
            throw ParseError(line: number, column: first + 1, message: "command outside a table", expected: "*table first")
        }
        var tokens = try tokenize(line, number: number)
        if let head = tokens.first, head.text.hasPrefix("[") {
            _ = try CounterText.parse(head, line: number)
            tokens.removeFirst()
            guard !tokens.isEmpty else {
                throw ParseError(line: number, column: head.column, message: "counters without a command", expected: "[packets:bytes] -A CHAIN ...")
            }
        }
        let parsed = try CommandParser.parse(tokens, line: line, number: number, family: script.family, table: table)
        open!.commands.append(parsed)
    }

    private func tokenize(_ line: [Character], number: Int) throws(ParseError) -> [Token] {
        do {
            return try Tokenizer.tokens(of: line)
        } catch {
            throw ParseError(line: number, column: error.column, message: error.message, expected: error.expected)
        }
    }
}

/// `[packets:bytes]` counters.
enum CounterText {
    static func parse(_ token: Token, line: Int) throws(ParseError) -> Counters {
        let text = token.text
        let parts = text.dropFirst().dropLast().split(separator: ":", omittingEmptySubsequences: false)
        guard text.hasPrefix("["), text.hasSuffix("]"), parts.count == 2,
              let packets = UInt64(parts[0]), let bytes = UInt64(parts[1]) else {
            throw ParseError(line: line, column: token.column, message: "bad counters '\(text)'", expected: "[packets:bytes]")
        }
        return Counters(packets: packets, bytes: bytes)
    }
}

extension String {
    func trimmingTrailingBlanks() -> String {
        var copy = self
        while let last = copy.last, last == " " || last == "\t" { copy.removeLast() }
        return copy
    }
}
