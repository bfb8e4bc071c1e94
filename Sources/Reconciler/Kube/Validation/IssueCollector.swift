/// Collects the issues found while checking one object.
struct IssueCollector {
    let ref: ObjectRef
    var issues: [KubeIssue] = []

    init(ref: ObjectRef) { self.ref = ref }

    var hasErrors: Bool { issues.contains { $0.severity == .error } }

    mutating func error(_ field: String, _ message: String) { issues.append(KubeIssue(.error, ref, field: field, message)) }
    mutating func warn(_ field: String, _ message: String) { issues.append(KubeIssue(.warning, ref, field: field, message)) }

    /// Records `reason` (from `NameRules`) as an error about `value`; true when there was none.
    @discardableResult
    mutating func check(_ reason: String?, _ field: String, _ value: String) -> Bool {
        guard let reason else { return true }
        error(field, "invalid value \(KubeIssue.quoted(value)): \(reason)")
        return false
    }

    /// The object's metadata as the API server checks it: `name` by `nameRule`, the namespace
    /// (when given) as a DNS-1123 label, every label key and value.
    mutating func checkMetadata(_ meta: ObjectMeta, nameRule: (String) -> String?) {
        if let name = meta.name, !name.isEmpty { check(nameRule(name), "metadata.name", name) } else {
            error("metadata.name", "missing name")
        }
        if let ns = meta.namespace { check(NameRules.dns1123Label(ns), "metadata.namespace", ns) }
        for (key, value) in (meta.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            if check(NameRules.labelKey(key), "metadata.labels", key) {
                check(NameRules.labelValue(value), "metadata.labels[\(key)]", value)
            }
        }
    }

    /// An address from an object field (`IPAddress.kube`), or nil with an error.
    mutating func address(_ text: String, _ field: String) -> IPAddress? {
        if let ip = IPAddress.kube(text) { return ip }
        error(field, "invalid IP address \(KubeIssue.quoted(text))")
        return nil
    }

    /// A protocol name (TCP when unset, as the API server defaults it), or nil with an error.
    mutating func proto(_ text: String?, _ field: String) -> L4Protocol? {
        guard let text else { return .tcp }
        if let p = L4Protocol(rawValue: text) { return p }
        error(field, "unknown protocol \(KubeIssue.quoted(text)) (want TCP, UDP or SCTP)")
        return nil
    }

    /// A port number in `range`, or nil with an error.
    mutating func port(_ value: Int, _ field: String, in range: ClosedRange<Int>) -> Int? {
        if range.contains(value) { return value }
        error(field, "port \(value) out of range \(range.lowerBound)-\(range.upperBound)")
        return nil
    }
}

extension IPAddress {
    /// Addresses the API server refuses as endpoints and external IPs (`ValidateEndpointIP`,
    /// `ValidateNonSpecialIP`): unspecified, loopback, link-local, link-local multicast.
    var specialUse: String? {
        let b = bytes
        switch self {
        case .v4(let v):
            if v == 0 { return "unspecified" }
            if b[0] == 127 { return "loopback" }
            if b[0] == 169 && b[1] == 254 { return "link-local" }
            if b[0] == 224 && b[1] == 0 && b[2] == 0 { return "link-local multicast" }
        case .v6:
            if b.allSatisfy({ $0 == 0 }) { return "unspecified" }
            if isLoopback { return "loopback" }
            if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return "link-local" }
            if b[0] == 0xff && b[1] & 0x0f == 0x02 { return "link-local multicast" }
        }
        return nil
    }
}
