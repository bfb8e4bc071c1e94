import AsyncHTTPClient
public import Foundation
public import NIOCore
import NIOHTTP1
import NIOSSL

/// A minimal Kubernetes API client over async-http-client: GETs of JSON documents and
/// newline-delimited watch streams, authenticated as the `KubeEndpoint` says.
public final class KubeAPIClient: Sendable {
    public let endpoint: KubeEndpoint
    private let http: HTTPClient
    /// How long a list request may take.
    public let requestTimeout: TimeAmount

    public init(endpoint: KubeEndpoint, requestTimeout: TimeAmount = .seconds(60), readTimeout: TimeAmount = .minutes(11)) throws {
        self.endpoint = endpoint
        self.requestTimeout = requestTimeout
        var configuration = HTTPClient.Configuration()
        if endpoint.server.hasPrefix("https") { configuration.tlsConfiguration = try Self.tls(endpoint) }
        configuration.timeout = .init(connect: .seconds(5), read: readTimeout)
        configuration.httpVersion = .http1Only
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    static func tls(_ endpoint: KubeEndpoint) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if endpoint.insecureSkipTLSVerify { tls.certificateVerification = .none }
            if let ca = endpoint.caPEM { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca)) }
            if let cert = endpoint.clientCertificatePEM, let key = endpoint.clientKeyPEM {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(cert).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw KubeClientError.config("TLS material: \(error)")
        }
        return tls
    }

    /// Closes connections; call once when done.
    public func shutdown() async { try? await http.shutdown() }

    func request(_ path: String, query: [(String, String)]) -> HTTPClientRequest {
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let q = query.isEmpty ? "" : "?" + (components.percentEncodedQuery ?? "")
        var request = HTTPClientRequest(url: endpoint.server + path + q)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "kpx-reconcile-agent")
        if let token = endpoint.currentToken() { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    /// GET of a JSON document. 410 throws `.gone`; other non-2xx statuses throw `.http`.
    public func get(_ path: String, query: [(String, String)] = []) async throws -> Data {
        let response = try await http.execute(request(path, query: query), timeout: requestTimeout)
        let body = try await response.body.collect(upTo: 256 << 20)
        try Self.check(response.status, body: body, operation: "GET \(path)")
        return Data(body.readableBytesView)
    }

    /// Streams a watch: calls `line` for every newline-terminated JSON document until the server
    /// closes the stream.
    public func stream(_ path: String, query: [(String, String)], line: (Data) async throws -> Void) async throws {
        let response = try await http.execute(request(path, query: query), timeout: requestTimeout)
        if response.status.code != 200 {
            let body = try await response.body.collect(upTo: 1 << 20)
            try Self.check(response.status, body: body, operation: "watch \(path)")
        }
        var pending = [UInt8]()
        for try await chunk in response.body {
            pending.append(contentsOf: chunk.readableBytesView)
            // Hand out every complete line, then keep only the unfinished tail (one copy per chunk).
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let one = pending[start..<newline]
                start = newline + 1
                if !one.allSatisfy({ $0 == 32 || $0 == 13 }) { try await line(Data(one)) }
            }
            if start > 0 { pending.removeFirst(start) }
            if pending.count > 64 << 20 { throw KubeClientError.protocolError("watch event larger than 64 MiB") }
        }
        if !pending.allSatisfy({ $0 == 32 || $0 == 13 || $0 == 10 }) { try await line(Data(pending)) }
    }

    static func check(_ status: HTTPResponseStatus, body: ByteBuffer, operation: String) throws {
        if (200..<300).contains(status.code) { return }
        if status.code == 410 { throw KubeClientError.gone(operation: operation) }
        throw KubeClientError.http(status: Int(status.code), operation: operation, body: String(buffer: body))
    }
}
