import NIOHTTP1

/// The agent's HTTP endpoints, as kube-proxy serves them: metrics (`/metrics`, `/proxyMode`) on
/// the metrics address and `/healthz` + `/livez` on the healthz address.
public struct AgentEndpoints: Sendable {
    public let metrics: HTTPEndpoint?
    public let healthz: HTTPEndpoint?

    /// Starts the servers for the given `host:port` addresses (nil or empty port 0 string: not started).
    public static func start(agent: ProxyAgent, metricsAddress: String?, healthzAddress: String?) async throws -> AgentEndpoints {
        var metrics: HTTPEndpoint? = nil
        var healthz: HTTPEndpoint? = nil
        if let metricsAddress, !metricsAddress.isEmpty {
            guard let (host, port) = HTTPEndpoint.split(metricsAddress) else { throw AgentError.badAddress(metricsAddress) }
            metrics = try await HTTPEndpoint.start(host: host, port: port) { path in metricsRoute(path, agent: agent) }
        }
        if let healthzAddress, !healthzAddress.isEmpty {
            guard let (host, port) = HTTPEndpoint.split(healthzAddress) else { throw AgentError.badAddress(healthzAddress) }
            healthz = try await HTTPEndpoint.start(host: host, port: port) { path in healthRoute(path, agent: agent) }
        }
        return AgentEndpoints(metrics: metrics, healthz: healthz)
    }

    public func stop() async {
        await metrics?.stop()
        await healthz?.stop()
    }

    static func metricsRoute(_ path: String, agent: ProxyAgent) -> HTTPReply {
        switch path {
        case "/metrics": return HTTPReply(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: agent.metrics.render())
        case "/proxyMode": return HTTPReply(status: .ok, contentType: "text/plain; charset=utf-8", body: "iptables")
        case "/healthz", "/livez": return healthRoute(path, agent: agent)
        default: return HTTPReply(status: .notFound, contentType: "text/plain; charset=utf-8", body: "404 page not found\n")
        }
    }

    static func healthRoute(_ path: String, agent: ProxyAgent) -> HTTPReply {
        guard path == "/healthz" || path == "/livez" else {
            return HTTPReply(status: .notFound, contentType: "text/plain; charset=utf-8", body: "404 page not found\n")
        }
        let (healthy, json) = agent.health.body(checkNode: path == "/healthz", family: agent.configuration.settings.ipFamily)
        switch (path == "/healthz", healthy) {
        case (true, true): agent.metrics.healthzOK.increment()
        case (true, false): agent.metrics.healthzFailed.increment()
        case (false, true): agent.metrics.livezOK.increment()
        case (false, false): agent.metrics.livezFailed.increment()
        }
        return HTTPReply(status: healthy ? .ok : .serviceUnavailable, contentType: "application/json", body: json)
    }
}

/// Agent start-up failures.
public enum AgentError: Error, CustomStringConvertible {
    case badAddress(String)
    public var description: String {
        switch self {
        case .badAddress(let a): return "bind address \(a): want host:port"
        }
    }
}
