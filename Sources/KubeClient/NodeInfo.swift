import Foundation
import Logging

/// The node object's labels kube-proxy reads (topology zone).
public struct NodeInfo: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    /// The node is being deleted (deletionTimestamp set) or drained by the cluster autoscaler.
    public var beingDeleted: Bool

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
        struct Node: Decodable {
            struct Meta: Decodable { var labels: [String: String]?; var deletionTimestamp: String? }
            struct Taint: Decodable { var key: String? }
            struct Spec: Decodable { var taints: [Taint]? }
            var metadata: Meta?
            var spec: Spec?
        }
        let node = try JSONDecoder().decode(Node.self, from: data)
        let tainted = node.spec?.taints?.contains { $0.key == autoscalerDeletionTaint } ?? false
        return NodeInfo(name: name, labels: node.metadata?.labels ?? [:],
                        beingDeleted: node.metadata?.deletionTimestamp != nil || tainted)
    }
}

/// Re-reads the node object periodically and reports it when its labels change (the zone label
/// drives topology-aware routing).
public struct NodeSource: ClusterEventSource {
    public let client: KubeAPIClient
    public let name: String
    public var interval: Duration
    public let logger: Logger

    public init(client: KubeAPIClient, name: String, interval: Duration = .seconds(30), logger: Logger) {
        self.client = client
        self.name = name
        self.interval = interval
        self.logger = logger
    }

    public func run(sink: @escaping @Sendable (ClusterEvent) -> Void) async {
        var last: NodeInfo? = nil
        while !Task.isCancelled {
            do {
                let node = try await NodeInfo.fetch(name, client: client)
                if node != last { sink(.node(node)) }
                last = node
            } catch {
                if Task.isCancelled { break }
                logger.warning("cannot read the node object", metadata: ["node": "\(name)", "error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
