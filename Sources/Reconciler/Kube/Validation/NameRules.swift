/// The name and label formats the API server enforces (k8s.io/apimachinery/pkg/util/validation),
/// as functions returning the reason a value is refused, or nil when it is valid.
public enum NameRules {
    /// RFC 1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, ≤ 63
    /// (namespaces, Service and EndpointSlice port names).
    public static func dns1123Label(_ s: String) -> String? {
        label(s, first: isLowerAlnum, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit")
    }

    /// RFC 1035 label: as a DNS-1123 label, but starting with a letter (Service names).
    public static func dns1035Label(_ s: String) -> String? {
        label(s, first: isLower, "must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit")
    }

    private static func label(_ s: String, first: (UInt8) -> Bool, _ shape: String) -> String? {
        let b = Array(s.utf8)
        if b.isEmpty { return "must not be empty" }
        if b.count > 63 { return "must be no more than 63 characters (is \(b.count))" }
        guard b.allSatisfy({ isLowerAlnum($0) || $0 == 0x2d }), first(b.first!), isLowerAlnum(b.last!) else { return shape }
        return nil
    }

    /// RFC 1123 subdomain: dot-separated DNS-1123 labels, ≤ 253 in all (EndpointSlice and node names).
    public static func dns1123Subdomain(_ s: String) -> String? {
        let b = Array(s.utf8)
        if b.isEmpty { return "must not be empty" }
        if b.count > 253 { return "must be no more than 253 characters (is \(b.count))" }
        for part in b.split(separator: 0x2e, omittingEmptySubsequences: false) {
            guard let first = part.first, let last = part.last, isLowerAlnum(first), isLowerAlnum(last),
                  part.allSatisfy({ isLowerAlnum($0) || $0 == 0x2d }) else {
                return "must be a DNS-1123 subdomain: dot-separated lower-case labels of letters, digits and '-'"
            }
        }
        return nil
    }

    /// A label key: an optional DNS-1123 subdomain prefix and '/', then a name of ≤ 63 characters of
    /// alphanumerics, '-', '_' and '.', starting and ending alphanumeric.
    public static func labelKey(_ s: String) -> String? {
        let parts = s.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            if parts[0].isEmpty { return "prefix part must not be empty" }
            if let why = dns1123Subdomain(String(parts[0])) { return "prefix part \(why)" }
        }
        let name = parts.count == 2 ? String(parts[1]) : s
        if name.isEmpty { return "name part must not be empty" }
        return labelText(name).map { "name part \($0)" }
    }

    /// A label value: empty, or as a label key's name part.
    public static func labelValue(_ s: String) -> String? { s.isEmpty ? nil : labelText(s) }

    private static func labelText(_ s: String) -> String? {
        let b = Array(s.utf8)
        if b.count > 63 { return "must be no more than 63 characters (is \(b.count))" }
        guard b.allSatisfy({ isAlnum($0) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e }),
              isAlnum(b.first!), isAlnum(b.last!) else {
            return "must consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        }
        return nil
    }

    private static func isLower(_ c: UInt8) -> Bool { (0x61...0x7a).contains(c) }
    private static func isDigit(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) }
    private static func isLowerAlnum(_ c: UInt8) -> Bool { isLower(c) || isDigit(c) }
    private static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (0x41...0x5a).contains(c) }
}

extension NameRules {
    /// IANA service name (RFC 6335): ≤ 15 lower-case letters, digits and '-', at least one letter,
    /// no '-' at either end or twice in a row (named target ports).
    public static func ianaServiceName(_ s: String) -> String? {
        let b = Array(s.utf8)
        if b.isEmpty || b.count > 15 { return "must be 1-15 characters (is \(b.count))" }
        guard b.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }) else {
            return "must contain only lower-case letters, digits and '-'"
        }
        if !b.contains(where: { (0x61...0x7a).contains($0) }) { return "must contain at least one letter" }
        if b.first == 0x2d || b.last == 0x2d || s.contains("--") { return "must not begin or end with '-' or contain '--'" }
        return nil
    }
}
