import Logging
public import NIOCore
public import NIOHTTP1
public import NIOPosix

/// One HTTP response.
public struct HTTPReply: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var body: String
    /// Headers beside Content-Type, X-Content-Type-Options and Content-Length.
    public var headers: [(String, String)] = []

    public init(status: HTTPResponseStatus, contentType: String, body: String, headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }
}

/// A small HTTP/1.1 server (NIO) answering GETs from a routing closure: /metrics, /healthz, /livez.
public final class HTTPEndpoint: Sendable {
    public let channel: Channel
    public var localPort: Int { channel.localAddress?.port ?? 0 }

    private init(channel: Channel) { self.channel = channel }

    /// Binds `host:port` (port 0: any free port).
    public static func start(host: String, port: Int, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             route: @escaping @Sendable (String) -> HTTPReply) async throws -> HTTPEndpoint {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(RouteHandler(route: route))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        return HTTPEndpoint(channel: channel)
    }

    public func stop() async { try? await channel.close() }

    /// Parses `host:port` as kube-proxy's bind-address flags take it (`[::1]:10249` for IPv6).
    public static func split(_ address: String) -> (host: String, port: Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

private final class RouteHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let route: @Sendable (String) -> HTTPReply
    private var uri = "/"
    private var keepAlive = false

    init(route: @escaping @Sendable (String) -> HTTPReply) { self.route = route }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri = head.uri
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            let path = String(uri.split(separator: "?", maxSplits: 1).first ?? "/")
            let reply = route(path)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: reply.contentType)
            headers.add(name: "X-Content-Type-Options", value: "nosniff")
            for (name, value) in reply.headers { headers.add(name: name, value: value) }
            headers.add(name: "Content-Length", value: String(reply.body.utf8.count))
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: reply.body)))), promise: nil)
            // Close on the channel itself (Sendable), not through the handler context.
            let channel = context.channel, keep = keepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keep { channel.close(promise: nil) }
            }
        }
    }
}
