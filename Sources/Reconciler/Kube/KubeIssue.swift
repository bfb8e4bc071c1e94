/// Identifies one Kubernetes object in an error message.
public struct ObjectRef: Hashable, Sendable, CustomStringConvertible {
    public var kind: String
    public var namespace: String?
    public var name: String?
    /// Where it came from (file and item index), when known.
    public var source: String?

    public init(kind: String, namespace: String? = nil, name: String? = nil, source: String? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.source = source
    }

    public var description: String {
        let id: String
        switch (namespace, name) {
        case let (ns?, n?): id = "\(KubeIssue.printable(ns))/\(KubeIssue.printable(n))"
        case let (nil, n?): id = KubeIssue.printable(n)
        default: id = "<unnamed>"
        }
        return source.map { "\(kind) \(id) (\($0))" } ?? "\(kind) \(id)"
    }
}

/// A problem with one input object. `.error` means the object (or the named entry) was skipped;
/// `.warning` means one value was ignored, as kube-proxy ignores it, and the object still counts.
public struct KubeIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var severity: Severity
    public var object: ObjectRef
    /// JSON path of the offending field, e.g. `spec.ports[1].protocol`.
    public var field: String
    public var message: String

    public init(_ severity: Severity, _ object: ObjectRef, field: String, _ message: String) {
        self.severity = severity
        self.object = object
        self.field = field
        self.message = message
    }

    public var description: String {
        let f = field.isEmpty ? "" : " \(field)"
        return "\(severity): \(object)\(f): \(message)"
    }
}

extension KubeIssue {
    /// `value` in double quotes, made printable (see `printable`).
    public static func quoted(_ value: String) -> String { "\"\(printable(value))\"" }

    /// `value` with control characters, quotes and backslashes escaped and anything past 80
    /// characters cut (with the full length given), so a hostile value cannot break a log line.
    public static func printable(_ value: String) -> String {
        var out = ""
        for (i, scalar) in value.unicodeScalars.enumerated() {
            if i == 80 { return out + "…(\(value.utf8.count) bytes)" }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
