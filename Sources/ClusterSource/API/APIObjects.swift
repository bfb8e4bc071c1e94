public import Foundation
public import Reconciler

/// The two kinds of API object the agent follows.
public enum ObjectKind: String, Sendable, Hashable, CaseIterable {
    case service = "Service"
    case endpointSlice = "EndpointSlice"
}

/// `namespace/name` of an object of one kind.
public struct ObjectKey: Hashable, Sendable, CustomStringConvertible {
    public var kind: ObjectKind
    public var namespace: String
    public var name: String

    public init(_ kind: ObjectKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(kind.rawValue) \(namespace)/\(name)" }
}

/// One decoded API object, with what kube-proxy reads beside its spec.
public enum ClusterObject: Hashable, Sendable {
    case service(Service)
    /// An EndpointSlice and its `endpoints.kubernetes.io/last-change-trigger-time`, if set.
    case endpointSlice(EndpointSlice, triggerTime: Date?)

    public var key: ObjectKey? {
        switch self {
        case .service(let s):
            guard let ns = s.metadata.namespace, let n = s.metadata.name else { return nil }
            return ObjectKey(.service, namespace: ns, name: n)
        case .endpointSlice(let s, _):
            guard let ns = s.metadata.namespace, let n = s.metadata.name else { return nil }
            return ObjectKey(.endpointSlice, namespace: ns, name: n)
        }
    }
}
