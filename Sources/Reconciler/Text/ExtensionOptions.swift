/// One option of a match or target: `[!] --name value...`.
struct ExtensionOption {
    var name: Token
    var negated: Bool
    var values: [Token]

    /// The single value of this option, or a syntax error naming it.
    func value() throws(RuleSyntaxError) -> Token {
        guard values.count == 1 else {
            throw RuleSyntaxError(name, "option \(name.text) takes one value, got \(values.count)", expected: "one value")
        }
        return values[0]
    }

    /// Fails unless the option has no value.
    func flag() throws(RuleSyntaxError) {
        guard values.isEmpty else {
            throw RuleSyntaxError(values[0], "option \(name.text) takes no value")
        }
    }
}

/// The words given to one `-m NAME` or `-j NAME`, grouped into options.
struct ExtensionSegment {
    var name: Token
    var isTarget: Bool
    /// Indices into the rule's token list, in order (for exact raw text when contiguous).
    var tokenIndices: [Int] = []
    var options: [ExtensionOption] = []
    /// Whether a target was given with `-g` (goto) rather than `-j`.
    var isGoto = false
    /// Whether the extension was loaded implicitly by `-p tcp --dport ...`.
    var implicit = false
}

/// Why a typed codec could not represent an extension: the segment is kept as `.unknown`.
struct UnsupportedOption: Error {}
