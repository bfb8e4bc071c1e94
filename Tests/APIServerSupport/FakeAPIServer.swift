import Foundation
public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
public import Reconciler

/// A local Kubernetes API server (127.0.0.1 only) speaking the real list/watch wire protocol for
/// Services and EndpointSlices: JSON lists with resourceVersion and `continue` pagination, chunked
/// watch streams of newline-delimited JSON events from a resourceVersion, BOOKMARK events, `410
/// Gone` for a compacted resourceVersion (as an HTTP status or an ERROR event), dropped
/// connections on demand, and the node object.
public final class FakeAPIServer: @unchecked Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case services, endpointslices, nodes
        public var path: String {
            switch self {
            case .services: return "/api/v1/services"
            case .endpointslices: return "/apis/discovery.k8s.io/v1/endpointslices"
            case .nodes: return "/api/v1/nodes"
            }
        }
        public var objectKind: String { self == .services ? "Service" : self == .nodes ? "Node" : "EndpointSlice" }
        public var listKind: String { objectKind + "List" }
        public var apiVersion: String { self == .endpointslices ? "discovery.k8s.io/v1" : "v1" }
    }

    struct Event { var rv: Int; var type: String; var object: [String: Any] }

    final class Watcher {
        let channel: Channel
        let kind: Kind
        init(channel: Channel, kind: Kind) { self.channel = channel; self.kind = kind }
    }

    private let lock = NSLock()
    private var rv = 100
    private var objects: [Kind: [String: [String: Any]]] = [.services: [:], .endpointslices: [:], .nodes: [:]]
    private var history: [Kind: [Event]] = [.services: [], .endpointslices: [], .nodes: []]
    /// Watches from a resourceVersion below this get 410.
    private var compactedBelow = 0
    private var watchers: [ObjectIdentifier: Watcher] = [:]
    private var counts: [String: Int] = [:]
    private var labels: [String: String] = ["topology.kubernetes.io/zone": "zone-a"]
    private var deleting = false
    public var nodeDeleting: Bool {
        get { lock.withLock { deleting } }
        set { lock.withLock { deleting = newValue }; publishNode() }
    }
    public var nodeLabels: [String: String] {
        get { lock.withLock { labels } }
        set { lock.withLock { labels = newValue }; publishNode() }
    }
    /// The one node the fake serves (`GET /api/v1/nodes/NAME` answers for any name).
    public var nodeName = "test-node"

    public init() {}

    /// The node object as a list/watch item.
    private func publishNode() {
        let (name, labels, deleting) = lock.withLock { (nodeName, self.labels, self.deleting) }
        var meta: [String: Any] = ["name": name, "labels": labels]
        if deleting { meta["deletionTimestamp"] = "2026-01-01T00:00:00Z" }
        upsert(.nodes, ["kind": "Node", "apiVersion": "v1", "metadata": meta])
    }
    /// Send 410 as an ERROR event in a 200 stream (true, as the real server does) or as HTTP 410.
    public var goneAsEvent = true
    public var bookmarkInterval: TimeAmount = .milliseconds(200)
    public var pageSize: Int?

    private var channel: Channel?
    private var tls: NIOSSLContext?
    /// When set, requests without `Authorization: Bearer <token>` get 401.
    public var requiredToken: String?
    public private(set) var authorizations: [String] = []
    public var port: Int { channel?.localAddress?.port ?? 0 }
    public var url: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// Serves HTTPS with `certificate`/`key`; with `clientCA`, a client certificate signed by it is required.
    public func useTLS(certificate: String, key: String, clientCA: String?) throws {
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        if let clientCA {
            config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
            config.certificateVerification = .noHostnameVerification
        }
        tls = try NIOSSLContext(configuration: config)
    }

    public func start() async throws {
        publishNode()
        let tls = self.tls
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let secured: EventLoopFuture<Void> = tls.map { ctx in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: ctx)) }
                } ?? channel.eventLoop.makeSucceededVoidFuture()
                return secured.flatMap {
                    channel.pipeline.configureHTTPServerPipeline().flatMap {
                        channel.pipeline.addHandler(RequestHeadHandler { self.handle($0, channel: $1) })
                    }
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
    }

    public func stop() async {
        dropWatches()
        try? await channel?.close()
    }

    // MARK: test-side mutations

    public func count(_ what: String) -> Int { lock.withLock { counts[what] ?? 0 } }
    public var resourceVersion: Int { lock.withLock { rv } }

    public func upsert(_ service: Service) { upsert(.services, Self.json(service)) }
    public func upsert(_ slice: EndpointSlice) { upsert(.endpointslices, Self.json(slice)) }
    public func deleteService(_ namespace: String, _ name: String) { delete(.services, "\(namespace)/\(name)") }
    public func deleteSlice(_ namespace: String, _ name: String) { delete(.endpointslices, "\(namespace)/\(name)") }

    /// Puts raw JSON (possibly invalid for the client) as an object of `kind`.
    public func upsert(_ kind: Kind, _ raw: [String: Any]) {
        var object = raw
        var meta = object["metadata"] as? [String: Any] ?? [:]
        let key = "\(meta["namespace"] as? String ?? "")/\(meta["name"] as? String ?? "")"
        lock.lock()
        rv += 1
        meta["resourceVersion"] = String(rv)
        object["metadata"] = meta
        let type = objects[kind]![key] == nil ? "ADDED" : "MODIFIED"
        objects[kind]![key] = object
        publish(Event(rv: rv, type: type, object: object), kind: kind)
        lock.unlock()
    }

    public func delete(_ kind: Kind, _ key: String) {
        lock.lock()
        defer { lock.unlock() }
        guard var object = objects[kind]!.removeValue(forKey: key) else { return }
        rv += 1
        var meta = object["metadata"] as? [String: Any] ?? [:]
        meta["resourceVersion"] = String(rv)
        object["metadata"] = meta
        publish(Event(rv: rv, type: "DELETED", object: object), kind: kind)
    }

    /// Forgets history: watches from an older resourceVersion get 410 Gone.
    public func compact() { lock.withLock { compactedBelow = rv; history = [.services: [], .endpointslices: [], .nodes: []] } }

    /// Closes every open watch connection (as a load balancer or apiserver restart would).
    public func dropWatches() {
        let all = lock.withLock { () -> [Watcher] in defer { watchers = [:] }; return Array(watchers.values) }
        for w in all { w.channel.close(promise: nil) }
    }

    /// Stops sending live events to current watchers without closing them (a stalled stream).
    public var activeWatches: Int { lock.withLock { watchers.count } }

    // Called with the lock held.
    private func publish(_ event: Event, kind: Kind) {
        history[kind]!.append(event)
        let line = Self.line(type: event.type, object: event.object)
        for w in watchers.values where w.kind == kind { send(line, on: w.channel, locked: true) }
    }

    public static func json<T: Encodable>(_ value: T) -> [String: Any] {
        let data = try! JSONEncoder().encode(value)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    public static func line(type: String, object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["type": type, "object": object], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Watch bytes are written in pieces of this size (nil: one write per event), so that events
    /// straddle chunk boundaries.
    public var fragmentSize: Int? {
        get { lock.withLock { fragment } }
        set { lock.withLock { fragment = newValue } }
    }
    private var fragment: Int?

    /// Writes `text` to a watch stream. May be called with the lock held (reads `fragment` directly).
    private func send(_ text: String, on channel: Channel, locked: Bool = false) {
        let bytes = Array(text.utf8)
        let size = (locked ? fragment : fragmentSize) ?? bytes.count
        channel.eventLoop.execute {
            var offset = 0
            while offset < bytes.count {
                let piece = bytes[offset..<min(bytes.count, offset + size)]
                offset += size
                channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: piece))), promise: nil)
            }
        }
    }

    // MARK: request handling

    func handle(_ head: HTTPRequestHead, channel: Channel) {
        let auth = head.headers.first(name: "Authorization") ?? ""
        lock.withLock { authorizations.append(auth) }
        if let requiredToken, auth != "Bearer \(requiredToken)" {
            respond(channel, .unauthorized, status(401, "Unauthorized", "Unauthorized"))
            return
        }
        let parts = head.uri.split(separator: "?", maxSplits: 1)
        let path = String(parts[0])
        var query: [String: String] = [:]
        if parts.count > 1 {
            for item in parts[1].split(separator: "&") {
                let kv = item.split(separator: "=", maxSplits: 1)
                query[String(kv[0])] = kv.count > 1 ? String(kv[1]).removingPercentEncoding ?? String(kv[1]) : ""
            }
        }
        if path.hasPrefix("/api/v1/nodes/") {
            let name = String(path.dropFirst("/api/v1/nodes/".count))
            var meta: [String: Any] = ["name": name, "labels": nodeLabels]
            if nodeDeleting { meta["deletionTimestamp"] = "2026-01-01T00:00:00Z" }
            respond(channel, .ok, ["kind": "Node", "apiVersion": "v1", "metadata": meta])
            return
        }
        guard let kind = Kind.allCases.first(where: { $0.path == path }) else {
            respond(channel, .notFound, status(404, "NotFound", "the server could not find the requested resource"))
            return
        }
        if query["watch"] == "1" || query["watch"] == "true" {
            watch(kind, from: Int(query["resourceVersion"] ?? "") ?? 0, timeout: Int(query["timeoutSeconds"] ?? ""),
                  bookmarks: query["allowWatchBookmarks"] == "true", channel: channel)
        } else {
            list(kind, limit: Int(query["limit"] ?? "") ?? 0, continueToken: query["continue"], channel: channel)
        }
    }

    private func list(_ kind: Kind, limit: Int, continueToken: String?, channel: Channel) {
        let (items, version, next) = lock.withLock { () -> ([[String: Any]], Int, String?) in
            counts["list \(kind.rawValue)", default: 0] += 1
            let all = objects[kind]!.sorted { $0.key < $1.key }.map(\.value)
            let start = continueToken.flatMap(Int.init) ?? 0
            let size = pageSize.map { min($0, max(limit, 1)) } ?? (limit > 0 ? limit : all.count)
            let end = min(all.count, start + max(size, 1))
            let slice = start < all.count ? Array(all[start..<end]) : []
            return (slice, rv, end < all.count ? String(end) : nil)
        }
        // Items in a list carry neither kind nor apiVersion, as the real server sends them.
        let stripped = items.map { o -> [String: Any] in var c = o; c["kind"] = nil; c["apiVersion"] = nil; return c }
        var meta: [String: Any] = ["resourceVersion": String(version)]
        if let next { meta["continue"] = next }
        respond(channel, .ok, ["kind": kind.listKind, "apiVersion": kind.apiVersion, "metadata": meta, "items": stripped])
    }

    private func watch(_ kind: Kind, from version: Int, timeout: Int?, bookmarks: Bool, channel: Channel) {
        lock.lock()
        counts["watch \(kind.rawValue)", default: 0] += 1
        if version < compactedBelow {
            lock.unlock()
            if goneAsEvent {
                startStream(channel)
                self.send(Self.line(type: "ERROR", object: status(410, "Expired", "too old resource version: \(version) (\(compactedBelow))")), on: channel)
                channel.eventLoop.execute { channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) } }
            } else {
                respond(channel, .gone, status(410, "Expired", "too old resource version: \(version)"))
            }
            return
        }
        startStream(channel)
        for event in history[kind]! where event.rv > version { send(Self.line(type: event.type, object: event.object), on: channel, locked: true) }
        watchers[ObjectIdentifier(channel)] = Watcher(channel: channel, kind: kind)
        lock.unlock()
        channel.closeFuture.whenComplete { _ in self.lock.withLock { _ = self.watchers.removeValue(forKey: ObjectIdentifier(channel)) } }
        if bookmarks {
            channel.eventLoop.scheduleRepeatedTask(initialDelay: bookmarkInterval, delay: bookmarkInterval) { task in
                guard channel.isActive else { task.cancel(); return }
                let version = self.lock.withLock { self.rv }
                let object: [String: Any] = ["kind": kind.objectKind, "apiVersion": kind.apiVersion,
                                             "metadata": ["resourceVersion": String(version)]]
                self.send(Self.line(type: "BOOKMARK", object: object), on: channel)
            }
        }
        if let timeout, timeout > 0 {
            channel.eventLoop.scheduleTask(in: .seconds(Int64(timeout))) {
                channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    private func startStream(_ channel: Channel) { APIServerHTTP.startStream(channel) }

    private func status(_ code: Int, _ reason: String, _ message: String) -> [String: Any] {
        ["kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code, "reason": reason, "message": message, "metadata": [:] as [String: Any]]
    }

    private func respond(_ channel: Channel, _ code: HTTPResponseStatus, _ body: [String: Any]) {
        APIServerHTTP.respond(channel, status: code, json: try! JSONSerialization.data(withJSONObject: body))
    }
}
