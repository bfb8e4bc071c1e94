/// The parts of `metadata` kube-proxy reads.
public struct ObjectMeta: Codable, Hashable, Sendable {
    public var name: String?
    public var namespace: String?
    public var labels: [String: String]?
    /// Where the object was read (file, document, item), for error messages; not part of the object.
    public var source: String?

    public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil, source: String? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.source = source
    }

    private enum CodingKeys: String, CodingKey { case name, namespace, labels }
}

/// A `port`/`targetPort` value that is either a number or a name.
public enum IntOrString: Codable, Hashable, Sendable {
    case int(Int)
    case string(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        }
    }
}

/// `namespace/name` of a Service.
public struct ServiceName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }
    public static func < (a: ServiceName, b: ServiceName) -> Bool { (a.namespace, a.name) < (b.namespace, b.name) }
}

/// L4 protocol of a service port (`TCP` when unset, as the API server defaults it).
public enum L4Protocol: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"

    /// kube-proxy's lower-case spelling (`-p tcp`, chain-name hash input).
    public var lower: String { rawValue.lowercased() }

    public static func < (a: L4Protocol, b: L4Protocol) -> Bool { a.rawValue < b.rawValue }
}
