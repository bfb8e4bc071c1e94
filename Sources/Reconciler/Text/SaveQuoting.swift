/// iptables' quoting of string option values (`xtables_save_string`).
public enum SaveQuoting {
    /// Characters that may stand unquoted.
    static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    /// The value as iptables-save prints it: bare when it is a non-empty plain word, else in
    /// double quotes with `"`, `\` and `'` escaped by a backslash.
    public static func quoteIfNeeded(_ value: String) -> String {
        if !value.isEmpty && value.unicodeScalars.allSatisfy(isPlain) { return value }
        var out = "\""
        for char in value {
            if char == "\"" || char == "\\" || char == "'" { out.append("\\") }
            out.append(char)
        }
        out.append("\"")
        return out
    }
}
