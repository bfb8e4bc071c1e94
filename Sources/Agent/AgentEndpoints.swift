import Reconciler
import Prometheus
import Logging
import NIOHTTP1
import Synchronization

/// The agent's HTTP endpoints, as kube-proxy serves them: metrics (`/metrics`, `/proxyMode`) on
/// the metrics address and `/healthz` + `/livez` on the healthz address. An address that cannot
/// be bound is logged (naming it) and retried every 5 s, as kube-proxy does; with
/// `--bind-address-hard-fail` it stops the agent instead.
public final class AgentEndpoints: Sendable {
    private let bound = Mutex<[String: HTTPEndpoint]>([:])
    private let retries = Mutex<[Task<Void, Never>]>([])

    public var metrics: HTTPEndpoint? { bound.withLock { $0["metrics"] } }
    public var healthz: HTTPEndpoint? { bound.withLock { $0["healthz"] } }

    /// Starts the servers for the given `host:port` addresses (nil or empty: not started).
    public static func start(agent: ProxyAgent, metricsAddress: String?, healthzAddress: String?, hardFail: Bool = false,
                             retryEvery: Duration = .seconds(5)) async throws -> AgentEndpoints {
        let endpoints = AgentEndpoints()
        for (name, address) in [("metrics", metricsAddress), ("healthz", healthzAddress)] {
            guard let address, !address.isEmpty else { continue }
            guard let (host, port) = HTTPEndpoint.split(address) else { throw AgentError.badAddress(address) }
            let route = Self.route(name, agent: agent)
            do {
                let endpoint = try await HTTPEndpoint.start(host: host, port: port, route: route)
                endpoints.bound.withLock { $0[name] = endpoint }
            } catch {
                if hardFail { throw AgentError.bindFailed(address, "\(error)") }
                agent.logger.error("cannot serve \(name); retrying every \(retryEvery)", metadata: ["address": "\(address)", "error": "\(error)"])
                endpoints.retry(name, host: host, port: port, address: address, route: route, every: retryEvery, agent: agent)
            }
        }
        return endpoints
    }

    private static func route(_ name: String, agent: ProxyAgent) -> @Sendable (String) -> HTTPReply {
        if name == "metrics" { return { path in metricsRoute(path, agent: agent) } }
        return { path in healthRoute(path, agent: agent) }
    }

    private func retry(_ name: String, host: String, port: Int, address: String, route: @escaping @Sendable (String) -> HTTPReply,
                       every: Duration, agent: ProxyAgent) {
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                guard !Task.isCancelled, let endpoint = try? await HTTPEndpoint.start(host: host, port: port, route: route) else { continue }
                bound.withLock { $0[name] = endpoint }
                agent.logger.info("serving \(name) now", metadata: ["address": "\(address)"])
                return
            }
        }
        retries.withLock { $0.append(task) }
    }

    public func stop() async {
        for task in retries.withLock({ $0 }) { task.cancel() }
        for endpoint in bound.withLock({ Array($0.values) }) { await endpoint.stop() }
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
    case bindFailed(String, String)
    public var description: String {
        switch self {
        case .badAddress(let a): return "bind address \(a): want host:port"
        case .bindFailed(let a, let why): return "cannot bind \(a) (--bind-address-hard-fail): \(why)"
        }
    }
}
