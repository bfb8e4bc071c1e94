/// Parsers for option values, as libxtables reads them.
enum OptionValues {
    /// An unsigned number in C `strtoul(…, 0)` style: decimal, `0x` hex or leading-zero octal.
    static func number(_ token: Token, max: UInt64 = UInt64(UInt32.max)) throws(RuleSyntaxError) -> UInt64 {
        let text = token.text.lowercased()
        let parsed: UInt64?
        if text.hasPrefix("0x") { parsed = UInt64(text.dropFirst(2), radix: 16) }
        else if text.count > 1 && text.hasPrefix("0") { parsed = UInt64(text.dropFirst(), radix: 8) }
        else { parsed = UInt64(text) }
        guard let parsed, parsed <= max else {
            throw RuleSyntaxError(token, "bad number '\(token.text)'", expected: "a number up to \(max)")
        }
        return parsed
    }

    static func uint32(_ token: Token) throws(RuleSyntaxError) -> UInt32 {
        UInt32(try number(token))
    }

    /// `VALUE[/MASK]` with the mask defaulting to all ones.
    static func valueMask(_ token: Token) throws(RuleSyntaxError) -> (UInt32, UInt32) {
        let parts = token.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var valueToken = token
        valueToken.text = String(parts[0])
        let value = try uint32(valueToken)
        guard parts.count == 2 else { return (value, 0xffff_ffff) }
        var maskToken = token
        maskToken.text = String(parts[1])
        return (value, try uint32(maskToken))
    }

    /// A port number (1 to 65535 text forms; 0 allowed as iptables allows it).
    static func port(_ text: Substring, _ token: Token) throws(RuleSyntaxError) -> UInt16 {
        guard let value = UInt16(text), text.allSatisfy(\.isASCIIDigit) else {
            throw RuleSyntaxError(token, "bad port '\(text)'", expected: "a port number 0-65535")
        }
        return value
    }

    /// `P`, `LOW:HIGH`, `LOW:` or `:HIGH` (`separator` is `-` for NAT and REDIRECT ranges).
    static func portRange(_ token: Token, separator: Character = ":") throws(RuleSyntaxError) -> PortRange {
        let parts = token.text.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 1 { return PortRange(try port(parts[0], token)) }
        let low = parts[0].isEmpty ? 0 : try port(parts[0], token)
        let high = parts[1].isEmpty ? 65535 : try port(parts[1], token)
        guard low <= high else {
            throw RuleSyntaxError(token, "bad port range '\(token.text)'", expected: "LOW\(separator)HIGH with LOW <= HIGH")
        }
        return PortRange(low, high)
    }

    /// A comma-separated list of names, each mapped through `lookup`.
    static func nameList<T>(_ token: Token, what: String, _ lookup: (String) -> T?) throws(RuleSyntaxError) -> [T] {
        var out: [T] = []
        for name in token.text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = lookup(String(name)) else {
                throw RuleSyntaxError(token, "unknown \(what) '\(name)'", expected: "a comma-separated list of \(what)s")
            }
            out.append(value)
        }
        return out
    }
}
