import ClusterSource
import Foundation
public import Logging

/// The node object's labels kube-proxy reads (topology zone).
public struct NodeInfo: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    /// The node is being deleted (deletionTimestamp set) or drained by the cluster autoscaler.
    public var beingDeleted: Bool
    /// `status.addresses`: InternalIP ones first, then ExternalIP (kube-proxy's node IPs).
    public var addresses: [String] = []
    /// `spec.podCIDRs` (or `spec.podCIDR`), for `--detect-local-mode=NodeCIDR`.
    public var podCIDRs: [String] = []

    public static let zoneLabel = "topology.kubernetes.io/zone"
    /// The taint the cluster autoscaler puts on a node it is about to delete.
    public static let autoscalerDeletionTaint = "ToBeDeletedByClusterAutoscaler"
    public var zone: String? { labels[Self.zoneLabel] }

    public init(name: String, labels: [String: String], beingDeleted: Bool = false) {
        self.name = name
        self.labels = labels
        self.beingDeleted = beingDeleted
    }

    /// GET /api/v1/nodes/NAME.
    public static func fetch(_ name: String, client: KubeAPIClient) async throws -> NodeInfo {
        try parse(try await client.get("/api/v1/nodes/\(name)"), name: name)
    }

    static func parse(_ data: Data, name: String) throws -> NodeInfo {
        try JSONDecoder().decode(NodeObject.self, from: data).info(name: name)
    }
}

/// The fields of a v1 Node kube-proxy reads, as they come off the wire.
struct NodeObject: Decodable, Sendable {
    struct Meta: Decodable { var labels: [String: String]?; var deletionTimestamp: String? }
    struct Taint: Decodable { var key: String? }
    struct Spec: Decodable { var taints: [Taint]?; var podCIDR: String?; var podCIDRs: [String]? }
    struct Address: Decodable { var type: String?; var address: String? }
    struct Status: Decodable { var addresses: [Address]? }
    var metadata: Meta?
    var spec: Spec?
    var status: Status?

    func info(name: String) -> NodeInfo {
        let node = self
        let autoscalerDeletionTaint = NodeInfo.autoscalerDeletionTaint
        let tainted = node.spec?.taints?.contains { $0.key == autoscalerDeletionTaint } ?? false
        var info = NodeInfo(name: name, labels: node.metadata?.labels ?? [:],
                            beingDeleted: node.metadata?.deletionTimestamp != nil || tainted)
        let addresses = node.status?.addresses ?? []
        info.addresses = ["InternalIP", "ExternalIP"].flatMap { kind in addresses.filter { $0.type == kind }.compactMap(\.address) }
        info.podCIDRs = node.spec?.podCIDRs ?? node.spec?.podCIDR.map { [$0] } ?? []
        return info
    }
}

/// Follows the one node object by list+watch with a field selector (as kube-proxy's node
/// informer does), so a zone label change, a deletion timestamp or the autoscaler's taint
/// reaches the agent within a second. A dropped or failed watch relists after a backoff.
public struct NodeSource: ClusterEventSource {
    public let client: KubeAPIClient
    public let name: String
    public var backoff: Backoff
    public var watchTimeoutSeconds: ClosedRange<Int>
    public let logger: Logger

    public init(client: KubeAPIClient, name: String, backoff: Backoff = Backoff(),
                watchTimeoutSeconds: ClosedRange<Int> = 300...600, logger: Logger) {
        self.client = client
        self.name = name
        self.backoff = backoff
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.logger = logger
    }

    var selector: (String, String) { ("fieldSelector", "metadata.name=\(name)") }

    public func run(sink: @escaping @Sendable (ClusterEvent) -> Void) async {
        let last = LastNode()
        var failures = 0
        while !Task.isCancelled {
            do {
                let page = try ListPage.decode(NodeObject.self, try await client.get("/api/v1/nodes", query: [selector]))
                if let item = page.items.first { last.report(item.info(name: name), sink) }
                var rv = page.resourceVersion
                try await client.stream("/api/v1/nodes", query: [selector, ("watch", "1"), ("resourceVersion", rv),
                                                                  ("allowWatchBookmarks", "true"),
                                                                  ("timeoutSeconds", String(Int.random(in: watchTimeoutSeconds)))]) { data in
                    let event = try WatchLine.decode(NodeObject.self, data)
                    if let version = event.resourceVersion { rv = version }
                    switch event.kind {
                    case .added, .modified: if let node = event.object { last.report(node.info(name: name), sink) }
                    case .deleted: last.report(NodeInfo(name: name, labels: [:], beingDeleted: true), sink)
                    case .bookmark: break
                    case .error: throw WireFormatError("node watch ERROR event")
                    }
                }
                failures = 0
            } catch {
                if Task.isCancelled { break }
                failures += 1
                logger.warning("cannot watch the node object; retrying", metadata: ["node": "\(name)", "error": "\(error)"])
                try? await Task.sleep(for: backoff.delay(attempt: failures))
            }
        }
    }
}

/// The node as last reported, so only changes are sent.
private final class LastNode: @unchecked Sendable {
    private var node: NodeInfo?
    func report(_ new: NodeInfo, _ sink: (ClusterEvent) -> Void) {
        guard new != node else { return }
        node = new
        sink(.node(new))
    }
}
