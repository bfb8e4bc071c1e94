import APIServerSupport
import Foundation
import NetlinkBridge
import NIOCore
import NIOHTTP1
import NIOPosix

/// A stand-in Kubernetes API server for the real-path scenarios, listening on 127.0.0.1 inside a
/// benchmark namespace: Services, EndpointSlices and the node as paginated JSON lists (`limit`,
/// `continue`) and chunked watch streams. Objects are kept encoded, so serving costs the benchmark
/// process, not the agent, almost nothing; the agent runs in its own process and reads it as it
/// would read the real API server.
final class BenchAPIServer: @unchecked Sendable {
    struct Collection {
        var kind: String
        var apiVersion: String
        var order: [String] = []
        var items: [String: Data] = [:]
    }

    static let paths = (services: "/api/v1/services", slices: "/apis/discovery.k8s.io/v1/endpointslices", nodes: "/api/v1/nodes")
    private let lock = NSLock()
    private var collections: [String: Collection]
    private var watchers: [String: [Channel]] = [:]
    private var version = 1000
    private var channel: Channel?
    private(set) var port = 0

    init(services: [(String, Data)], slices: [(String, Data)], node: Data) {
        func collection(_ kind: String, _ apiVersion: String, _ items: [(String, Data)]) -> Collection {
            var c = Collection(kind: kind, apiVersion: apiVersion)
            for (key, data) in items { c.order.append(key); c.items[key] = data }
            return c
        }
        collections = [Self.paths.services: collection("ServiceList", "v1", services),
                       Self.paths.slices: collection("EndpointSliceList", "discovery.k8s.io/v1", slices),
                       Self.paths.nodes: collection("NodeList", "v1", [("node", node)])]
    }

    /// Serves on a listening socket opened in network namespace `netns`.
    func start(netns: String) async throws {
        let (fd, port) = try NamespaceListener.open(netns: netns)
        self.port = port
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(RequestHeadHandler { self.handle($0, channel: $1) }) }
            }
        channel = try await bootstrap.withBoundSocket(fd).get()
    }

    func stop() async {
        let open = lock.withLock { watchers.values.flatMap { $0 } }
        for c in open { c.close(promise: nil) }
        try? await channel?.close()
    }

    /// Replaces (or adds) an object and sends the event to the collection's watchers.
    func modify(_ path: String, key: String, object: Data) {
        let (channels, line) = lock.withLock { () -> ([Channel], Data) in
            version += 1
            if collections[path]?.items[key] == nil { collections[path]?.order.append(key) }
            collections[path]?.items[key] = object
            return (watchers[path] ?? [], Data(#"{"type":"MODIFIED","object":"#.utf8) + object + Data("}\n".utf8))
        }
        for c in channels { Self.write(line, on: c) }
    }

    var resourceVersion: Int { lock.withLock { version } }

    func handle(_ head: HTTPRequestHead, channel: Channel) {
        let parts = head.uri.split(separator: "?", maxSplits: 1)
        let path = String(parts[0])
        var query: [String: String] = [:]
        for item in parts.count > 1 ? parts[1].split(separator: "&") : [] {
            let kv = item.split(separator: "=", maxSplits: 1)
            query[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
        }
        if path.hasPrefix(Self.paths.nodes + "/") {
            respond(channel, lock.withLock { collections[Self.paths.nodes]?.items["node"] } ?? Data("{}".utf8))
            return
        }
        guard lock.withLock({ collections[path] != nil }) else {
            respond(channel, Data(#"{"kind":"Status","apiVersion":"v1","status":"Failure","code":404,"reason":"NotFound"}"#.utf8), status: .notFound)
            return
        }
        if query["watch"] == "1" || query["watch"] == "true" { return watch(path, channel) }
        respond(channel, page(path, limit: Int(query["limit"] ?? "") ?? 0, from: Int(query["continue"] ?? "") ?? 0))
    }

    private func page(_ path: String, limit: Int, from start: Int) -> Data {
        lock.withLock {
            let c = collections[path]!
            let end = limit > 0 ? min(c.order.count, start + limit) : c.order.count
            var body = Data(#"{"kind":"\#(c.kind)","apiVersion":"\#(c.apiVersion)","metadata":{"resourceVersion":"\#(version)""#.utf8)
            if end < c.order.count { body += Data(#","continue":"\#(end)""#.utf8) }
            body += Data(#"},"items":["#.utf8)
            for (i, key) in c.order[min(start, end)..<end].enumerated() {
                if i > 0 { body += Data(",".utf8) }
                body += c.items[key]!
            }
            return body + Data("]}".utf8)
        }
    }

    private func watch(_ path: String, _ channel: Channel) {
        lock.withLock { watchers[path, default: []].append(channel) }
        channel.closeFuture.whenComplete { _ in
            self.lock.withLock { self.watchers[path]?.removeAll { $0 === channel } }
        }
        APIServerHTTP.startStream(channel)
    }

    private static func write(_ data: Data, on channel: Channel) {
        channel.eventLoop.execute {
            channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: data))), promise: nil)
        }
    }

    private func respond(_ channel: Channel, _ body: Data, status: HTTPResponseStatus = .ok) {
        APIServerHTTP.respond(channel, status: status, json: body)
    }
}

/// A TCP listening socket on 127.0.0.1 of a named network namespace (the socket stays in the
/// namespace it was created in).
enum NamespaceListener {
    static func open(netns: String) throws -> (fd: Int32, port: Int) {
        try NetworkNamespace.with(netns) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw BenchError("socket: errno \(errno)") }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 128) == 0 && getsockname(fd, $0, &len) == 0 }
            }
            guard bound else { close(fd); throw BenchError("bind/listen in \(netns): errno \(errno)") }
            return (fd, Int(UInt16(bigEndian: addr.sin_port)))
        }
    }
}
