import Foundation
import Reconciler

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

/// What a source reports. Sources report `replace` after every (re)list and `synced` once the
/// first list of a kind is complete; the agent programs nothing before every kind is synced.
public enum ClusterEvent: Sendable {
    case upsert(ClusterObject)
    case delete(ObjectKey)
    /// The complete current set of one kind (a list or relist): anything else of that kind is gone.
    case replace(ObjectKind, [ClusterObject])
    /// An object that could not be decoded; it was skipped.
    case invalid(ObjectRef, String)
    /// The node's labels (topology zone) as last read.
    case node(NodeInfo)
}

/// Something that delivers cluster events until cancelled.
public protocol ClusterEventSource: Sendable {
    /// Runs until the task is cancelled, calling `sink` for every event (never concurrently).
    func run(sink: @escaping @Sendable (ClusterEvent) -> Void) async
}
