import Prometheus
public import Logging
public import NIOCore
public import NIOPosix
public import Reconciler
import Synchronization

/// The HTTP servers on health-check node ports (kube-proxy's ServiceHealthServer): one listener
/// per Service and listen address, opened and closed by `sync` in the same sync that programs or
/// removes the Service's rules; answers follow the latest local endpoint counts at once.
public final class ServiceHealthServers: Sendable {
    /// Where the servers listen: `0.0.0.0` (every address) unless `--nodeport-addresses` names
    /// CIDRs, then each local address inside them (kube-proxy's GetNodeIPs).
    public let hosts: @Sendable () -> [String]
    private let health: HealthState
    private let metrics: AgentMetrics?
    private let logger: Logger
    private let group: EventLoopGroup

    private struct Listener { var port: Int; var endpoints: [HTTPEndpoint] }
    private struct State {
        var counts: [ServiceName: Int] = [:]
        var listeners: [ServiceName: Listener] = [:]
        /// Bind failures already logged, so a port that stays taken is logged once.
        var reported: Set<String> = []
    }
    private let state = Mutex(State())

    public init(hosts: @escaping @Sendable () -> [String], health: HealthState, metrics: AgentMetrics?, logger: Logger,
                group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.hosts = hosts
        self.health = health
        self.metrics = metrics
        self.logger = logger
        self.group = group
    }

    /// The ports listened on now, by Service.
    public var ports: [ServiceName: Int] { state.withLock { $0.listeners.mapValues(\.port) } }

    /// Opens listeners for new Services (and changed ports), closes those of Services gone, and
    /// takes the new counts. A port that cannot be bound is logged once, counted, and retried on
    /// the next call; it never stops the others.
    public func sync(_ targets: [ServiceName: ServiceHealthChecks.Target]) async {
        let stale = state.withLock { s in
            s.counts = targets.mapValues(\.localEndpoints)
            return s.listeners.filter { targets[$0.key]?.port != $0.value.port }
        }
        for (name, listener) in stale {
            state.withLock { _ = $0.listeners.removeValue(forKey: name) }
            for endpoint in listener.endpoints { await endpoint.stop() }
            logger.info("closed health check port", metadata: ["service": "\(name)", "port": "\(listener.port)"])
        }
        let open = state.withLock { s in targets.values.filter { s.listeners[$0.service] == nil } }
        for target in open.sorted(by: { $0.service < $1.service }) { await start(target) }
    }

    /// Closes every listener.
    public func stop() async {
        await sync([:])
    }

    private func start(_ target: ServiceHealthChecks.Target) async {
        var endpoints: [HTTPEndpoint] = []
        for host in hosts() {
            do {
                endpoints.append(try await HTTPEndpoint.start(host: host, port: target.port, group: group) { [self] _ in
                    reply(for: target.service)
                })
            } catch {
                for endpoint in endpoints { await endpoint.stop() }
                reportBindFailure(target, host: host, error: error)
                return
            }
        }
        state.withLock { s in
            s.listeners[target.service] = Listener(port: target.port, endpoints: endpoints)
            s.reported = s.reported.filter { !$0.hasPrefix("\(target.service) ") }
        }
        logger.info("opened health check port", metadata: ["service": "\(target.service)", "port": "\(target.port)",
                                                          "addresses": "\(hosts().joined(separator: ","))"])
    }

    private func reportBindFailure(_ target: ServiceHealthChecks.Target, host: String, error: Error) {
        metrics?.healthCheckBindFailures.increment()
        let key = "\(target.service) \(host):\(target.port) \(error)"
        guard state.withLock({ $0.reported.insert(key).inserted }) else { return }
        logger.error("failed to start health check; retrying on later syncs", metadata: [
            "service": "\(target.service)", "address": "\(host):\(target.port)", "error": "\(error)"])
    }

    private func reply(for service: ServiceName) -> HTTPReply {
        let count = state.withLock { $0.counts[service] ?? 0 }
        return ServiceHealthReply.make(service: service, localEndpoints: count, proxyHealthy: health.status().healthy)
    }
}
