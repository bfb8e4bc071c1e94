/// One word of an iptables command line, after iptables-restore's quoting rules.
struct Token: Hashable, Sendable {
    /// The word with quotes removed and escapes resolved.
    var text: String
    /// 1-based column of the token's first character in its line.
    var column: Int
    /// Character offsets of the token in its line (end exclusive), for exact raw text.
    var start: Int
    var end: Int
    /// Whether any part of the word was quoted (a quoted word is always a value, never an option).
    var quoted: Bool = false

    /// Whether this looks like an option name (`-x` or `--xyz`) rather than a value.
    var isOption: Bool { !quoted && text.count > 1 && text.hasPrefix("-") && !text.dropFirst().allSatisfy(\.isASCIIDigit) }
}

/// Splits a line as iptables-restore does: words separated by blanks; `"..."` groups a word,
/// inside which a backslash escapes the next character; single quotes are ordinary characters.
enum Tokenizer {
    static func tokens(of line: [Character]) throws(RuleSyntaxError) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < line.count {
            let char = line[index]
            if char == " " || char == "\t" { index += 1; continue }
            let start = index
            var text = ""
            var inQuote = false
            var quoted = false
            while index < line.count {
                let current = line[index]
                if inQuote {
                    if current == "\\", index + 1 < line.count {
                        text.append(line[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    if current == "\"" { inQuote = false; break }
                    text.append(current)
                    continue
                }
                if current == " " || current == "\t" { break }
                if current == "\"" {
                    if index > start { break }
                    inQuote = true
                    quoted = true
                    index += 1
                    continue
                }
                text.append(current)
                index += 1
            }
            if inQuote {
                throw RuleSyntaxError(Token(text: text, column: start + 1, start: start, end: index),
                                      "unterminated quote", expected: "a closing \"")
            }
            tokens.append(Token(text: text, column: start + 1, start: start, end: index, quoted: quoted))
        }
        return tokens
    }
}
