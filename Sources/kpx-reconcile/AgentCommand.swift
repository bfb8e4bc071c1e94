import Agent
import ArgumentParser
import Dispatch
import Foundation
import KubeClient
import Logging
import Reconciler

/// `kpx-reconcile agent`: the node agent. Follows the Kubernetes API (or a manifest directory),
/// keeps the node's rules equal to kube-proxy's with minimal transactions, repairs drift, and
/// serves kube-proxy's metrics and health endpoints. SIGTERM/SIGINT stop it between transactions;
/// the rules stay in place.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the node agent: watch Services/EndpointSlices and keep the rules in sync continuously.")

    @Option(name: .long, help: "Path to a kubeconfig file (token, client certificate, CA, insecure-skip-tls-verify).")
    var kubeconfig: String?

    @Option(name: .long, help: "The API server address (overrides the kubeconfig's server).")
    var master: String?

    @Option(name: .customLong("services-dir"), help: "Read Services/EndpointSlices from manifest files in this directory instead of the API.")
    var servicesDir: String?

    @Option(name: .customLong("iptables-min-sync-period"), help: "Minimum interval between syncs for changes (Go duration; default 1s).")
    var minSyncPeriod: String?

    @Option(name: .customLong("iptables-sync-period"), help: "Interval of the full verification and repair (Go duration; default 30s).")
    var syncPeriod: String?

    @Option(name: .customLong("metrics-bind-address"), help: "host:port for /metrics (default 127.0.0.1:10249; empty to disable).")
    var metricsBindAddress: String?

    @Option(name: .customLong("healthz-bind-address"), help: "host:port for /healthz and /livez (default 0.0.0.0:10256; empty to disable).")
    var healthzBindAddress: String?

    @Option(name: .long, help: "The network namespace to program (name under /var/run/netns or a path); default: current.")
    var netns: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String = "info"

    @OptionGroup var proxy: ProxySettingsOptions

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level \(logLevel): unknown level") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "kpx-reconcile.agent")
        let file = try proxy.config.map { try AgentConfigFile.load(path: $0) } ?? AgentConfigFile()
        var settings = try proxy.settings()
        if settings.nodeName.isEmpty { settings.nodeName = ProcessInfo.processInfo.hostName.lowercased() }
        let configuration = AgentConfiguration(
            settings: settings, netns: netns,
            minSyncPeriod: try minSyncPeriod.map(AgentConfigFile.goDuration) ?? file.minSyncPeriod ?? .seconds(1),
            syncPeriod: try syncPeriod.map(AgentConfigFile.goDuration) ?? file.syncPeriod ?? .seconds(30))
        let addresses = (metrics: metricsBindAddress ?? file.metricsBindAddress ?? "127.0.0.1:10249",
                         healthz: healthzBindAddress ?? file.healthzBindAddress ?? "0.0.0.0:10256")
        let runner = AgentRunner(configuration: configuration, kubeconfig: kubeconfig ?? file.kubeconfig, master: master,
                                 servicesDir: servicesDir, metricsAddress: addresses.metrics, healthzAddress: addresses.healthz,
                                 pinnedZone: proxy.topologyZone != nil, logger: logger)
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do { try await runner.run() } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.get() { throw CLIError("agent: \(error)") }
    }
}

/// The error a background task ended with.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func set(_ e: Error) { lock.withLock { error = e } }
    func get() -> Error? { lock.withLock { error } }
}
