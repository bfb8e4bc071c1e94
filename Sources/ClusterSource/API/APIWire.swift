public import Foundation
public import Reconciler

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

/// Names and formats of the API wire protocol.
public enum WireFormat {
    public static let triggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time"

    /// RFC 3339 (with or without fractional seconds). Every EndpointSlice event carries one:
    /// Foundation's ISO8601FormatStyle parses it in ~0.5 µs, where an ISO8601DateFormatter (ICU)
    /// per call cost 18% of the agent's CPU under 1000 changes per second (perf, kpx-bench stream-1000).
    public static func parseTime(_ text: String) -> Date? {
        (try? fractionalTime.parse(text)) ?? (try? wholeSecondTime.parse(text))
    }

    private static let fractionalTime = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let wholeSecondTime = Date.ISO8601FormatStyle()
}

/// An API object that could not be decoded: which one (as far as it could be read) and why.
public struct DecodeFailure: Error, Sendable {
    public var object: ObjectRef
    public var message: String
    public var resourceVersion: String?
}

/// List responses (`GET` of a collection), decoded in one pass (see `ListPage.decode`).
public enum ListPage {}

/// Watch-stream lines (`{"type": ..., "object": {...}}`), decoded in one pass (see `WatchLine.decode`).
public enum WatchLine {
    public enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED", bookmark = "BOOKMARK", error = "ERROR" }
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

/// One page of a list of any item type, decoded in one pass.
public struct Page<Item: Decodable & Sendable>: Sendable {
    public var items: [Item]
    public var resourceVersion: String
    public var continueToken: String?
}

extension ListPage {
    /// The page's objects of `kind`, its resourceVersion and continue token; an API `Status`
    /// (or a body that is not a list) is thrown.
    public static func decode(_ kind: ObjectKind, _ data: Data) throws -> DecodedPage {
        let page = try decode(LossyItem.self, data, userInfo: [LossyItem.kindKey: kind])
        return DecodedPage(objects: page.items.map(\.result), resourceVersion: page.resourceVersion, continueToken: page.continueToken)
    }

    /// A page whose items are read straight into `Item` (which decides how strict it is).
    public static func decode<Item: Decodable & Sendable>(_ item: Item.Type, _ data: Data,
                                                          userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> Page<Item> {
        let decoder = JSONDecoder()
        decoder.userInfo = userInfo
        let page: PageBody<Item>
        do { page = try decoder.decode(PageBody<Item>.self, from: data) } catch {
            throw WireFormatError("list response is not a JSON list object: \(error)")
        }
        if page.kind == "Status" {
            throw (try? JSONDecoder().decode(APIStatus.self, from: data)) ?? WireFormatError("list failed")
        }
        let token = page.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
        return Page(items: page.items ?? [], resourceVersion: page.metadata?.resourceVersion ?? "", continueToken: token)
    }
}

extension ListPage {
    /// The page's `continue` token read from the bytes before `"items"` without decoding the
    /// page (the API server writes list metadata first), so the next page can be requested while
    /// this one decodes; nil when absent, escaped or not found there (the decoded page decides).
    public static func peekContinueToken(_ data: Data) -> String? {
        let key = Array(#""continue":""#.utf8), items = Array(#""items""#.utf8)
        return data.prefix(4096).withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            func matches(_ pattern: [UInt8], at i: Int) -> Bool {
                i + pattern.count <= bytes.count && pattern.indices.allSatisfy { bytes[i + $0] == pattern[$0] }
            }
            var i = 0
            while i < bytes.count {
                if matches(items, at: i) { return nil }
                if matches(key, at: i) {
                    let start = i + key.count
                    guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")),
                          !bytes[start..<end].contains(UInt8(ascii: "\\")), end > start else { return nil }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                }
                i += 1
            }
            return nil
        }
    }
}

private struct PageBody<Item: Decodable>: Decodable {
    struct Meta: Decodable { var resourceVersion: String?; var `continue`: String? }
    var kind: String?
    var metadata: Meta?
    var items: [Item]?
}

/// One list item: the object, or why it cannot be used (named as far as its metadata reads).
private struct LossyItem: Decodable, Sendable {
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

/// One watch event of any item type, decoded in one pass.
public struct Event<Item: Decodable & Sendable>: Sendable {
    public var kind: WatchLine.Kind
    /// For ADDED, MODIFIED and DELETED.
    public var object: Item?
    /// The object's resourceVersion (of any event that carries one).
    public var resourceVersion: String?
    /// For ERROR.
    public var status: APIStatus?
}

extension WatchLine {
    /// The event; a line without a known type or without an object is a protocol error.
    public static func decode(_ kind: ObjectKind, _ line: Data) throws -> DecodedWatchEvent {
        let event = try decode(LossyItem.self, line, userInfo: [LossyItem.kindKey: kind])
        return DecodedWatchEvent(kind: event.kind, object: event.object?.result, resourceVersion: event.resourceVersion,
                                 status: event.status)
    }

    /// An event whose object is read straight into `Item`.
    public static func decode<Item: Decodable & Sendable>(_ item: Item.Type, _ line: Data,
                                                          userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> Event<Item> {
        let decoder = JSONDecoder()
        decoder.userInfo = userInfo
        do { return try decoder.decode(EventBody<Item>.self, from: line).event } catch let error as WireFormatError { throw error } catch {
            throw WireFormatError("watch event without type/object: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
    }
}

private struct EventBody<Item: Decodable & Sendable>: Decodable {
    var event: Event<Item>
    enum Keys: String, CodingKey { case type, object }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        guard let kind = WatchLine.Kind(rawValue: try c.decode(String.self, forKey: .type)) else {
            throw WireFormatError("unknown watch event type")
        }
        // The object's resourceVersion, read apart from the item so a failed item still has it.
        let version = (try? c.decode(WireObject.self, forKey: .object))?.metadata?.resourceVersion
        switch kind {
        case .bookmark:
            event = Event(kind: kind, resourceVersion: try c.decode(WireObject.self, forKey: .object).metadata?.resourceVersion)
        case .error:
            event = Event(kind: kind, status: try? c.decode(APIStatus.self, forKey: .object))
        case .added, .modified, .deleted:
            guard c.contains(.object) else { throw WireFormatError("watch event without an object") }
            event = Event(kind: kind, object: try c.decode(Item.self, forKey: .object), resourceVersion: version)
        }
    }
}
