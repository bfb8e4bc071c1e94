import Foundation
import Logging

/// The node object's labels kube-proxy reads (topology zone).
public struct NodeInfo: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]

    public static let zoneLabel = "topology.kubernetes.io/zone"
    public var zone: String? { labels[Self.zoneLabel] }

    /// GET /api/v1/nodes/NAME.
    public static func fetch(_ name: String, client: KubeAPIClient) async throws -> NodeInfo {
        struct Node: Decodable { struct Meta: Decodable { var labels: [String: String]? }; var metadata: Meta? }
        let data = try await client.get("/api/v1/nodes/\(name)")
        let node = try JSONDecoder().decode(Node.self, from: data)
        return NodeInfo(name: name, labels: node.metadata?.labels ?? [:])
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
