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
public enum WireFormat {
    public static let triggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time"

    /// An object, its resourceVersion, or the reason it cannot be used.
    public static func object(_ kind: ObjectKind, from data: Data) -> Result<(ClusterObject, String?), DecodeFailure> {
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
    public static func parseTime(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}

/// An API object that could not be decoded: which one (as far as it could be read) and why.
public struct DecodeFailure: Error, Sendable {
    public var object: ObjectRef
    public var message: String
    public var resourceVersion: String?
}

/// One page of a list response: raw items and the list metadata.
public struct ListPage: Sendable {
    public var items: [Data]
    public var resourceVersion: String
    public var continueToken: String?

    public static func parse(_ data: Data) throws -> ListPage {
        guard let top = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw WireFormatError("list response is not a JSON object")
        }
        if top["kind"] as? String == "Status" {
            throw (try? JSONDecoder().decode(APIStatus.self, from: data)) ?? WireFormatError("list failed")
        }
        let meta = top["metadata"] as? [String: Any] ?? [:]
        // An item that is not an object becomes `null`: its decoding fails and it is reported,
        // never handed to JSONSerialization (which traps on a non-container top level).
        let items = try (top["items"] as? [Any] ?? []).map { item -> Data in
            guard let object = item as? [String: Any] else { return Data("null".utf8) }
            return try JSONSerialization.data(withJSONObject: object)
        }
        let token = (meta["continue"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return ListPage(items: items, resourceVersion: meta["resourceVersion"] as? String ?? "", continueToken: token)
    }
}

/// One line of a watch stream: `{"type": ..., "object": {...}}` (an object that is not a JSON object
/// is a protocol error; found by fuzzing: it used to trap in JSONSerialization).
public struct WatchLine: Sendable {
    public enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR" }
    public var kind: Kind
    public var object: Data

    public static func parse(_ line: Data) throws -> WatchLine {
        guard let top = try JSONSerialization.jsonObject(with: line) as? [String: Any],
              let type = top["type"] as? String, let kind = Kind(rawValue: type),
              let object = top["object"] as? [String: Any] else {
            throw WireFormatError("watch event without type/object: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        return WatchLine(kind: kind, object: try JSONSerialization.data(withJSONObject: object))
    }

    /// The resourceVersion of a bookmark (or any) object.
    public var resourceVersion: String? {
        guard let top = try? JSONSerialization.jsonObject(with: object) as? [String: Any],
              let meta = top["metadata"] as? [String: Any] else { return nil }
        return meta["resourceVersion"] as? String
    }
}


/// A list or watch response that is not what the API protocol says.
public struct WireFormatError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "API protocol: \(message)" }
}

/// One page of a list decoded in one pass: Foundation's JSONDecoder over the whole page, each
/// item read straight into its model type (no per-item re-serialisation). An item that cannot be
/// decoded is a failure of its own; the rest of the page still counts.
public struct DecodedPage: Sendable {
    public var objects: [Result<(ClusterObject, String?), DecodeFailure>]
    public var resourceVersion: String
    public var continueToken: String?
}

extension ListPage {
    /// The page's objects of `kind`, its resourceVersion and continue token; an API `Status`
    /// (or a body that is not a list) is thrown.
    public static func decode(_ kind: ObjectKind, _ data: Data) throws -> DecodedPage {
        let decoder = JSONDecoder()
        decoder.userInfo[LossyItem.kindKey] = kind
        let page: PageBody
        do { page = try decoder.decode(PageBody.self, from: data) } catch {
            throw WireFormatError("list response is not a JSON list object: \(error)")
        }
        if page.kind == "Status" {
            throw (try? JSONDecoder().decode(APIStatus.self, from: data)) ?? WireFormatError("list failed")
        }
        let token = page.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
        return DecodedPage(objects: (page.items ?? []).map(\.result), resourceVersion: page.metadata?.resourceVersion ?? "",
                           continueToken: token)
    }
}

private struct PageBody: Decodable {
    struct Meta: Decodable { var resourceVersion: String?; var `continue`: String? }
    var kind: String?
    var metadata: Meta?
    var items: [LossyItem]?
}

/// One list item: the object, or why it cannot be used (named as far as its metadata reads).
private struct LossyItem: Decodable {
    static let kindKey = CodingUserInfoKey(rawValue: "kpx.objectKind")!
    var result: Result<(ClusterObject, String?), DecodeFailure>

    init(from decoder: Decoder) throws {
        let kind = decoder.userInfo[Self.kindKey] as? ObjectKind ?? .service
        let meta = (try? WireObject(from: decoder))?.metadata
        do {
            switch kind {
            case .service:
                result = .success((.service(try Service(from: decoder)), meta?.resourceVersion))
            case .endpointSlice:
                let trigger = meta?.annotations?[WireFormat.triggerTimeAnnotation].flatMap(WireFormat.parseTime)
                result = .success((.endpointSlice(try EndpointSlice(from: decoder), triggerTime: trigger), meta?.resourceVersion))
            }
        } catch {
            let ref = ObjectRef(kind: kind.rawValue, namespace: meta?.namespace, name: meta?.name)
            result = .failure(DecodeFailure(object: ref, message: "cannot decode: \(error)", resourceVersion: meta?.resourceVersion))
        }
    }
}

/// One watch-stream line decoded in one pass (as `ListPage.decode`): the event type, the object or
/// why it cannot be used, the resourceVersion it carries, the Status of an ERROR event.
public struct DecodedWatchEvent: Sendable {
    public var kind: WatchLine.Kind
    /// For ADDED, MODIFIED and DELETED.
    public var object: Result<(ClusterObject, String?), DecodeFailure>?
    public var resourceVersion: String?
    /// For ERROR.
    public var status: APIStatus?
}

extension WatchLine {
    /// The event; a line without a known type or without an object is a protocol error.
    public static func decode(_ kind: ObjectKind, _ line: Data) throws -> DecodedWatchEvent {
        let decoder = JSONDecoder()
        decoder.userInfo[LossyItem.kindKey] = kind
        do { return try decoder.decode(EventBody.self, from: line).event } catch let error as WireFormatError { throw error } catch {
            throw WireFormatError("watch event without type/object: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
    }
}

private struct EventBody: Decodable {
    var event: DecodedWatchEvent
    enum Keys: String, CodingKey { case type, object }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        guard let kind = WatchLine.Kind(rawValue: try c.decode(String.self, forKey: .type)) else {
            throw WireFormatError("unknown watch event type")
        }
        switch kind {
        case .bookmark:
            let meta = try c.decode(WireObject.self, forKey: .object).metadata
            event = DecodedWatchEvent(kind: kind, resourceVersion: meta?.resourceVersion)
        case .error:
            event = DecodedWatchEvent(kind: kind, status: try? c.decode(APIStatus.self, forKey: .object))
        case .added, .modified, .deleted:
            let item = try c.decode(LossyItem.self, forKey: .object)
            let rv: String? = switch item.result { case .success(let (_, v)): v; case .failure(let f): f.resourceVersion }
            event = DecodedWatchEvent(kind: kind, object: item.result, resourceVersion: rv)
        }
    }
}
