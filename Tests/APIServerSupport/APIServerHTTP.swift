public import Foundation
public import NIOCore
public import NIOHTTP1

/// HTTP plumbing shared by the stand-in API servers (the tests' `FakeAPIServer`, kpx-bench's
/// loopback server): one request head handed to the server per request, and the two ways the
/// API server answers (a JSON body, or a chunked watch stream).
public enum APIServerHTTP {
    /// A complete JSON response.
    public static func respond(_ channel: Channel, status: HTTPResponseStatus, json body: Data) {
        channel.eventLoop.execute {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.count))
            channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers)), promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        }
    }

    /// The head of a chunked JSON stream (a watch); events follow as body parts.
    public static func startStream(_ channel: Channel) {
        channel.eventLoop.execute {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Transfer-Encoding", value: "chunked")
            channel.writeAndFlush(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)), promise: nil)
        }
    }
}

/// Hands each complete request's head (bodies are ignored: the API is read with GETs) to `onRequest`.
public final class RequestHeadHandler: ChannelInboundHandler, @unchecked Sendable {
    public typealias InboundIn = HTTPServerRequestPart
    private let onRequest: (HTTPRequestHead, Channel) -> Void
    private var head: HTTPRequestHead?

    public init(_ onRequest: @escaping (HTTPRequestHead, Channel) -> Void) { self.onRequest = onRequest }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end: if let head { onRequest(head, context.channel) }
        }
    }
}
