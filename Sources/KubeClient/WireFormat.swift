import Foundation
import Reconciler

/// The parts of `metadata` the client needs beside what `ObjectMeta` holds.
struct WireMeta: Decodable {
    var name: String?
    var namespace: String?
    var resourceVersion: String?
    var annotations: [String: String]?
}

private struct WireObject: Decodable { var metadata: WireMeta? }

/// `metav1.Status`, as sent for API errors and in watch `ERROR` events.
public struct APIStatus: Decodable, Sendable, Error, CustomStringConvertible {
    public var code: Int?
    public var reason: String?
    public var message: String?

    public var description: String { "API status \(code.map(String.init) ?? "?") \(reason ?? ""): \(message ?? "")" }
}

/// Decodes API objects of one kind from raw JSON.
enum WireFormat {
    static let triggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time"

    /// An object, its resourceVersion, or the reason it cannot be used.
    static func object(_ kind: ObjectKind, from data: Data) -> Result<(ClusterObject, String?), DecodeFailure> {
        let decoder = JSONDecoder()
        let meta = (try? decoder.decode(WireObject.self, from: data))?.metadata
        do {
            switch kind {
            case .service:
                return .success((.service(try decoder.decode(Service.self, from: data)), meta?.resourceVersion))
            case .endpointSlice:
                let slice = try decoder.decode(EndpointSlice.self, from: data)
                let trigger = meta?.annotations?[triggerTimeAnnotation].flatMap(parseTime)
                return .success((.endpointSlice(slice, triggerTime: trigger), meta?.resourceVersion))
            }
        } catch {
            let ref = ObjectRef(kind: kind.rawValue, namespace: meta?.namespace, name: meta?.name)
            return .failure(DecodeFailure(object: ref, message: "cannot decode: \(error)", resourceVersion: meta?.resourceVersion))
        }
    }

    /// RFC 3339 (with or without fractional seconds).
    static func parseTime(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}

struct DecodeFailure: Error {
    var object: ObjectRef
    var message: String
    var resourceVersion: String?
}

/// One page of a list response: raw items and the list metadata.
struct ListPage {
    var items: [Data]
    var resourceVersion: String
    var continueToken: String?

    static func parse(_ data: Data) throws -> ListPage {
        guard let top = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw KubeClientError.protocolError("list response is not a JSON object")
        }
        if top["kind"] as? String == "Status" {
            throw (try? JSONDecoder().decode(APIStatus.self, from: data)) ?? KubeClientError.protocolError("list failed")
        }
        let meta = top["metadata"] as? [String: Any] ?? [:]
        let items = try (top["items"] as? [Any] ?? []).map { try JSONSerialization.data(withJSONObject: $0) }
        let token = (meta["continue"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return ListPage(items: items, resourceVersion: meta["resourceVersion"] as? String ?? "", continueToken: token)
    }
}

/// One line of a watch stream: `{"type": ..., "object": {...}}`.
struct WatchLine {
    enum Kind: String { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR" }
    var kind: Kind
    var object: Data

    static func parse(_ line: Data) throws -> WatchLine {
        guard let top = try JSONSerialization.jsonObject(with: line) as? [String: Any],
              let type = top["type"] as? String, let kind = Kind(rawValue: type),
              let object = top["object"] else {
            throw KubeClientError.protocolError("watch event without type/object: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        return WatchLine(kind: kind, object: try JSONSerialization.data(withJSONObject: object))
    }

    /// The resourceVersion of a bookmark (or any) object.
    var resourceVersion: String? {
        guard let top = try? JSONSerialization.jsonObject(with: object) as? [String: Any],
              let meta = top["metadata"] as? [String: Any] else { return nil }
        return meta["resourceVersion"] as? String
    }
}

/// Failures of the API client, with what it was doing.
public enum KubeClientError: Error, CustomStringConvertible {
    case config(String)
    case http(status: Int, operation: String, body: String)
    /// 410 Gone: the resourceVersion is too old; relist.
    case gone(operation: String)
    case protocolError(String)

    public var description: String {
        switch self {
        case .config(let m): return "kubeconfig: \(m)"
        case .http(let status, let op, let body): return "\(op): HTTP \(status): \(body.prefix(300))"
        case .gone(let op): return "\(op): 410 Gone (resourceVersion expired)"
        case .protocolError(let m): return "API protocol: \(m)"
        }
    }
}
