public import ClusterSource
import Foundation
public import Reconciler

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
