import Foundation

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
