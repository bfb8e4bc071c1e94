import Agent
import ArgumentParser
import ClusterSource
import Dispatch
import Foundation
import KubeClient
import Logging
import NetlinkBridge
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

    @Option(name: .customLong("iptables-min-sync-period"), help: "Minimum interval between syncs for changes (Go duration), as kube-proxy. Default: latency-first (a change syncs at once; under a stream the next sync waits as long as the last one took, at least 100ms).")
    var minSyncPeriod: String?

    @Option(name: .customLong("iptables-sync-period"), help: "Interval of the full verification and repair (Go duration; default 30s).")
    var syncPeriod: String?

    @Option(name: .customLong("metrics-bind-address"), help: "host:port for /metrics (default 127.0.0.1:10249; empty to disable).")
    var metricsBindAddress: String?

    @Option(name: .customLong("healthz-bind-address"), help: "host:port for /healthz and /livez (default 0.0.0.0:10256; empty to disable).")
    var healthzBindAddress: String?

    @Option(name: .long, help: "The network namespace to program (name under /var/run/netns or a path); default: current.")
    var netns: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info; -v=N maps onto it).")
    var logLevel: String = "info"

    @Option(name: .customLong("logging-format"), help: "text (logfmt, message first) or json (one object per line).")
    var loggingFormat: String = "text"

    @Flag(name: .long, help: "Remove every rule and chain kube-proxy's iptables mode owns (both families), then exit.")
    var cleanup = false

    @Flag(name: .customLong("allow-legacy-tables"), help: "Run even when iptables-legacy tables exist in the namespace.")
    var allowLegacyTables = false

    @Option(name: .customLong("bind-address-hard-fail"), help: "true: exit when the healthz or metrics address cannot be bound (default: log and retry every 5 s).")
    var bindAddressHardFail: Bool?

    @Option(name: .customLong("proxy-mode"), help: "kube-proxy's proxy mode: only iptables (or empty) is implemented.")
    var proxyMode: String?

    @OptionGroup var conntrack: ConntrackOptions

    @OptionGroup var proxy: ProxySettingsOptions

    func run() throws {
        if cleanup { return try runCleanup() }
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level \(logLevel): unknown level") }
        guard let format = KubeLogHandler.Format(rawValue: loggingFormat) else {
            throw ValidationError("--logging-format \(loggingFormat): want text or json")
        }
        let repeats = RepeatFilter()
        LoggingSystem.bootstrap { label in KubeLogHandler(label: label, format: format, level: level, repeats: repeats) }
        let logger = Logger(label: "kpx-reconcile.agent")
        let loaded = try proxy.configFile()
        let file = loaded?.agent ?? AgentConfigFields()
        try ProxyMode.check(flag: proxyMode)
        try LegacyTablesCheck.refuse(netns: netns, allowed: allowLegacyTables)
        var given = proxy.input(file: loaded)
        // Every family the node has an address of (or --ip-family's), each with its settings.
        var node: NodeFamilies
        do { node = try given.resolveFamilies() } catch let e as SettingsError { throw ValidationError(e.description) }
        for i in node.settings.indices where node.settings[i].nodeName.isEmpty {
            node.settings[i].nodeName = ProcessInfo.processInfo.hostName.lowercased()
        }
        for warning in node.warnings { logger.warning("\(warning)") }
        var configuration = AgentConfiguration(
            settings: node.settings[0], netns: netns,
            minSyncPeriod: try minSyncPeriod.map(GoDuration.parse) ?? file.minSyncPeriod,
            syncPeriod: try syncPeriod.map(GoDuration.parse) ?? file.syncPeriod ?? .seconds(30))
        configuration.proxy(node)
        let settings = configuration.settings
        let addresses = (metrics: metricsBindAddress ?? file.metricsBindAddress ?? "127.0.0.1:10249",
                         healthz: healthzBindAddress ?? file.healthzBindAddress ?? "0.0.0.0:10256")
        var runner = AgentRunner(configuration: configuration, kubeconfig: kubeconfig ?? file.kubeconfig, master: master,
                                 servicesDir: servicesDir, metricsAddress: addresses.metrics, healthzAddress: addresses.healthz,
                                 pinnedZone: proxy.topologyZone != nil, logger: logger)
        runner.conntrack = try conntrack.resolve(file: file.conntrack, beLiberal: settings.conntrackTCPLiberal)
        runner.build = (kpxVersion, buildRevision)
        runner.bindAddressHardFail = bindAddressHardFail ?? file.bindAddressHardFail ?? false
        if given.hostnameOverride == nil { given.hostnameOverride = settings.nodeName }
        runner.settingsInput = given
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

extension AgentCommand {
    /// `--cleanup`: one transaction for both families; foreign rules and chains stay as they are.
    func runCleanup() throws {
        let backend = try NetlinkBackend(netns: netns)
        let outcomes: [Cleanup.Outcome]
        do { outcomes = try Cleanup.run(backend: backend) } catch { throw CLIError("cleanup: \(error); nothing changed") }
        for outcome in outcomes {
            let s = outcome.plan.summary
            let what = outcome.plan.isEmpty ? "nothing to remove" : "removed \(s.rulesDeleted) rules and \(s.chainsDeleted) chains"
            print("cleanup \(outcome.family.rawValue): \(what)")
            for warning in outcome.plan.warnings { print("warning: \(warning)") }
        }
    }
}

/// `--proxy-mode` / the configuration's `mode`: kpx-reconcile is kube-proxy's iptables mode.
enum ProxyMode {
    /// `--proxy-mode` (the config file's `mode` is checked by `ProxyConfigLoader`, with the same words).
    static func check(flag: String?) throws {
        guard let flag, !flag.isEmpty, flag != "iptables" else { return }
        throw CLIError("--proxy-mode \"\(flag)\": kpx-reconcile implements kube-proxy's iptables mode only (want \"iptables\" or empty)")
    }
}

/// The error a background task ended with.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    func set(_ e: Error) { lock.withLock { error = e } }
    func get() -> Error? { lock.withLock { error } }
}
