/// A syntax or semantic error in iptables-save / iptables-restore text, with its position.
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// 1-based line number in the input.
    public var line: Int
    /// 1-based column of the offending token (0 when the whole line is meant).
    public var column: Int
    /// What went wrong, e.g. "unknown table 'foo'".
    public var message: String
    /// What the parser expected instead, when that can be said.
    public var expected: String?

    public init(line: Int, column: Int, message: String, expected: String? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.expected = expected
    }

    public var description: String {
        let place = column > 0 ? "line \(line), column \(column)" : "line \(line)"
        guard let expected else { return "\(place): \(message)" }
        return "\(place): \(message) (expected \(expected))"
    }
}

/// An error inside one rule's options; the line parser adds the line number.
struct RuleSyntaxError: Error {
    var column: Int
    var message: String
    var expected: String?

    init(_ token: Token?, _ message: String, expected: String? = nil) {
        self.column = token?.column ?? 0
        self.message = message
        self.expected = expected
    }
}
