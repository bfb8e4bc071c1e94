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
        case let (ns?, n?): id = "\(ns)/\(n)"
        case let (nil, n?): id = n
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
