import Foundation
public import KubeClient
public import Logging
import NetlinkBridge
public import Reconciler
import Synchronization

/// The node agent: follows cluster sources, keeps the desired ruleset incrementally, and brings
/// the live tables to it through the reconcile engine at most once per min-sync-period for changes,
/// at once for drift (someone else's write to our tables), and with a full verification every
/// sync period. Failed syncs leave the previous rules (transactions are atomic) and are retried.
public final class ProxyAgent: @unchecked Sendable {
    public let configuration: AgentConfiguration
    public let metrics: AgentMetrics
    public let health: HealthState
    /// The health-check node port servers (follow the Services synced).
    public let serviceHealth: ServiceHealthServers
    let logger: Logger
    let inbox = Inbox()
    private let sources: [any ClusterEventSource]
    private let counters: AgentCounters
    // Confined to `run()`: the syncer, its engine and its backend are used by the loop task only.
    private let syncer: Syncer
    private let ownPorts: Set<UInt32>
    private let patching: PatchingBackend?
    let log: TransactionLog

    /// An agent over `backend` (the kernel: `NetlinkBackend`).
    public init(configuration: AgentConfiguration, sources: [any ClusterEventSource], backend: RulesetBackend,
                metrics: AgentMetrics = AgentMetrics(), logger: Logger = Logger(label: "kpx-reconcile.agent")) {
        self.configuration = configuration
        self.sources = sources
        self.metrics = metrics
        self.logger = logger
        self.counters = AgentCounters(metrics: metrics)
        self.health = HealthState(timeout: configuration.syncPeriod * 2)
        self.serviceHealth = ServiceHealthServers(hosts: HealthCheckAddresses.hosts(families: configuration.families),
                                                  health: health, metrics: metrics, logger: logger)
        let families = configuration.families.map(\.ipFamily)
        for family in families { _ = metrics.family(family) }
        let log = TransactionLog(families: families)
        let patching = backend is KernelWriter && configuration.watchDrift ? PatchingBackend(inner: backend, log: log) : nil
        self.patching = patching
        self.log = log
        self.ownPorts = Set([(backend as? KernelWriter)?.writerPortID].compactMap { $0 })
        let parts = SyncerParts(counters: counters, health: health, serviceHealth: serviceHealth, logger: logger,
                                accounting: Self.accounting(backend, configuration, metrics), patching: patching,
                                cleansConntrack: backend is KernelWriter)
        // Every family the node proxies, planned apart and committed as one transaction.
        let engine = ReconcileEngine(backend: patching ?? backend, families: families)
        self.syncer = Syncer(configuration: configuration, engine: engine, parts: parts)
    }

    /// An agent programming the kernel in `configuration.netns`.
    public convenience init(configuration: AgentConfiguration, sources: [any ClusterEventSource],
                            metrics: AgentMetrics = AgentMetrics(), logger: Logger = Logger(label: "kpx-reconcile.agent")) throws {
        self.init(configuration: configuration, sources: sources, backend: try NetlinkBackend(netns: configuration.netns),
                  metrics: metrics, logger: logger)
    }

    /// nfacct objects for the kernel backend when the settings count into them; scrapes read the
    /// counters on a connection of their own (the engine's is the loop's).
    private static func accounting(_ backend: RulesetBackend, _ configuration: AgentConfiguration,
                                   _ metrics: AgentMetrics) -> ((Ruleset) throws -> Void)? {
        guard let netlink = backend as? NetlinkBackend, configuration.settings.nfacct else { return nil }
        if let reader = try? AccountingReader(netns: configuration.netns) {
            metrics.accountingReader.withLock { $0 = { name in reader.packets(name) } }
        }
        return { try netlink.ensureAccountingObjects(for: $0) }
    }

    public var stats: AgentStats { counters.snapshot }

    /// Asks the loop to stop after the sync in progress (if any); `run()` then returns.
    public func shutdown() { inbox.push(.shutdown) }

    /// Runs until `shutdown()` or cancellation.
    public func run() async {
        let tasks = sources.map { source in
            Task { [inbox] in await source.run { inbox.push(.cluster($0)) } }
        }
        let watcher = startDriftWatcher()
        var loop = SyncLoop(inbox: inbox, syncer: syncer, counters: counters, logger: logger,
                            scheduler: SyncScheduler(configuration: configuration))
        await withTaskCancellationHandler { await loop.run() } onCancel: { [inbox] in inbox.push(.shutdown) }
        for task in tasks { task.cancel() }
        watcher?.stop()
        await serviceHealth.stop()
        logger.info("agent stopped; rules stay in place")
    }

    /// Follows nf_tables events of our tables (drift, and large commits of ours) into the inbox.
    private func startDriftWatcher() -> DriftWatcher? {
        guard configuration.watchDrift else { return nil }
        do {
            let w = try DriftWatcher(netns: configuration.netns, families: configuration.families.map(\.ipFamily), ownPorts: ownPorts)
            w.start(logger: logger, log: log) { [inbox] in inbox.push(.drift($0)) }
            patching?.unobserved = { [log, inbox] commit in
                try w.unobserved(log: log, report: { inbox.push(.drift($0)) }, commit)
            }
            return w
        } catch {
            logger.error("cannot follow nf_tables events; drift is caught by the periodic sync only", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

/// nfacct packet counts read on a netlink connection of their own, one scrape at a time.
final class AccountingReader: @unchecked Sendable {
    private let backend: NetlinkBackend
    private let lock = NSLock()

    init(netns: String?) throws { backend = try NetlinkBackend(netns: netns) }

    func packets(_ name: String) -> UInt64? { lock.withLock { (try? backend.accountingPackets(name)) ?? nil } }
}
