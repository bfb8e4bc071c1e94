import Foundation
import KubeClient
import Logging
import NetlinkBridge
import Reconciler
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
    private let statsBox = Mutex(AgentStats())
    // Confined to `run()`: the engine and its backend are used by the loop task only.
    private let engine: ReconcileEngine
    private let accounting: ((Ruleset) throws -> Void)?
    private let ownPorts: Set<UInt32>
    /// ctnetlink, for UDP conntrack cleanup (kernel backends only).
    private var conntrack: ConntrackClient?
    /// Services changed since the health-check ports and the UDP clean-up were last brought up to date.
    private var healthScope = DutyScope(), udpScope = DutyScope()
    /// Services the last health-check pass looked at (a change to one of them needs a new pass).
    private var healthRelevant: Set<ServiceName> = []
    /// When glibc's free memory was last returned to the system.
    private var lastTrim = ContinuousClock.now
    /// The UDP targets of the last successful stale-flow clean-up.
    private var cleanedUDPTargets: UDPServiceTargets?
    private let cleansConntrack: Bool
    /// The nfacct objects exist (checked again after any failure).
    private var accountingReady = false
    /// Re-reads only changed chains when the event log can vouch for them (kernel backends).
    private let patching: PatchingBackend?
    let log: TransactionLog

    /// An agent over `backend` (the kernel: `NetlinkBackend`).
    public init(configuration: AgentConfiguration, sources: [any ClusterEventSource], backend: RulesetBackend,
                metrics: AgentMetrics = AgentMetrics(), logger: Logger = Logger(label: "kpx-reconcile.agent")) {
        self.configuration = configuration
        self.sources = sources
        self.metrics = metrics
        self.logger = logger
        self.health = HealthState(timeout: configuration.syncPeriod * 2)
        self.serviceHealth = ServiceHealthServers(hosts: HealthCheckAddresses.hosts(settings: configuration.settings),
                                                  health: health, metrics: metrics, logger: logger)
        let log = TransactionLog(family: configuration.settings.ipFamily)
        if backend is KernelWriter && configuration.watchDrift {
            patching = PatchingBackend(inner: backend, log: log)
        } else {
            patching = nil
        }
        self.log = log
        self.engine = ReconcileEngine(backend: patching ?? backend, family: configuration.settings.ipFamily)
        self.ownPorts = Set([(backend as? KernelWriter)?.writerPortID].compactMap { $0 })
        self.cleansConntrack = backend is KernelWriter
        if let netlink = backend as? NetlinkBackend, configuration.settings.nfacct {
            accounting = { try netlink.ensureAccountingObjects(for: $0) }
            // Scrapes read the counters on a connection of their own (the engine's is the loop's).
            if let reader = try? AccountingReader(netns: configuration.netns) {
                metrics.accountingReader.withLock { $0 = { name in reader.packets(name) } }
            }
        } else {
            accounting = nil
        }
    }

    /// An agent programming the kernel in `configuration.netns`.
    public convenience init(configuration: AgentConfiguration, sources: [any ClusterEventSource],
                            metrics: AgentMetrics = AgentMetrics(), logger: Logger = Logger(label: "kpx-reconcile.agent")) throws {
        self.init(configuration: configuration, sources: sources, backend: try NetlinkBackend(netns: configuration.netns),
                  metrics: metrics, logger: logger)
    }

    public var stats: AgentStats { statsBox.withLock { $0 } }

    /// Asks the loop to stop after the sync in progress (if any); `run()` then returns.
    public func shutdown() { inbox.push(.shutdown) }

    /// Runs until `shutdown()` or cancellation.
    public func run() async {
        let tasks = sources.map { source in
            Task { [inbox] in await source.run { inbox.push(.cluster($0)) } }
        }
        var watcher: DriftWatcher? = nil
        if configuration.watchDrift {
            do {
                let w = try DriftWatcher(netns: configuration.netns, family: configuration.settings.ipFamily, ownPorts: ownPorts)
                w.start(logger: logger, log: log) { [inbox] in inbox.push(.drift($0)) }
                watcher = w
                patching?.unobserved = { [log, inbox] commit in
                    try w.unobserved(log: log, report: { inbox.push(.drift($0)) }, commit)
                }
            } catch {
                logger.error("cannot follow nf_tables events; drift is caught by the periodic sync only", metadata: ["error": "\(error)"])
            }
        }
        var loop = SyncLoop(agent: self)
        await withTaskCancellationHandler { await loop.run() } onCancel: { [inbox] in inbox.push(.shutdown) }
        for task in tasks { task.cancel() }
        watcher?.stop()
        await serviceHealth.stop()
        logger.info("agent stopped; rules stay in place")
    }

    func updateStats(_ change: (inout AgentStats) -> Void) {
        var copy = statsBox.withLock { $0 }
        change(&copy)
        let updated = copy
        statsBox.withLock { $0 = updated }
    }

    /// One sync; returns whether it succeeded.
    func sync(_ reason: SyncReason, tracker: inout ChangeTracker, store: inout ObjectStore) -> Bool {
        let started = ContinuousClock.now
        let pending = store.drain()
        metrics.serviceChangesPending.set(to: 0)
        metrics.endpointChangesPending.set(to: 0)
        // Start-up, verification and settings changes compare every object; other syncs apply
        // only what changed.
        let whole = pending.full || reason == .initial || reason == .periodic
        let recomputed = whole ? tracker.update(to: store.state) : tracker.apply(pending, from: store)
        healthScope.add(whole ? nil : recomputed)
        udpScope.add(whole ? nil : recomputed)
        let desired = tracker.ruleset
        if reason == .initial || reason == .periodic {
            engine.invalidate()
        }
        do {
            if !accountingReady, let accounting {
                try accounting(desired)
                accountingReady = true
            }
            // Only the chains changed since the last apply are planned while the engine's cached
            // state is valid; after any re-read the whole ruleset is.
            let outcome = try engine.reconcile(desired, change: tracker.unappliedChange)
            tracker.clearUnappliedChanges()
            let elapsed = ContinuousClock.now - started
            record(reason, outcome: outcome, elapsed: elapsed, recomputed: recomputed.count, desired: desired)
            // Only a change to a UDP service (or one deleted) can leave stale UDP flows.
            if outcome.applied, udpScope.take({ store.serviceModels[$0]?.ports.contains { $0.proto == .udp } ?? true }) {
                cleanStaleUDPFlows(desired)
            }
            // A whole-table read leaves its decoding transients in glibc's arenas; so do, slowly,
            // the watch events and syncs of a running agent (steady RSS at 10k: 201 -> see
            // BENCHMARKS.md): hand them back after a read, and at most every 10 s otherwise.
            if outcome.reread || ContinuousClock.now - lastTrim > .seconds(10) {
                ReleasedMemory.trimNow()
                lastTrim = .now
            }
            for (service, trigger) in pending.triggers {
                let latency = Date().timeIntervalSince(trigger)
                guard latency >= 0 else { continue }
                metrics.networkProgramming.record(.milliseconds(Int64(latency * 1000)))
                // kube-proxy logs the same at V(4).
                logger.debug("Network programming", metadata: ["endpoint": "\(service)", "elapsed": "\(latency)"])
            }
            health.updated()
            return true
        } catch {
            engine.invalidate()
            accountingReady = false
            metrics.restoreFailures.increment()
            if reason == .changes { metrics.partialRestoreFailures.increment() }
            updateStats { $0.syncs += 1; $0.failures += 1; $0.lastReason = reason }
            metrics.syncs.increment()
            logger.error("sync failed; previous rules left in place, will retry", metadata: [
                "reason": "\(reason.rawValue)", "error": "\(error)"])
            return false
        }
    }

    /// Opens, closes and updates the health-check node ports for what was just synced.
    func syncHealthChecks(_ store: ObjectStore, settings: ProxySettings) async {
        let relevant = { (name: ServiceName) in
            self.healthRelevant.contains(name) || store.serviceModels[name].map(Self.healthRelevant) ?? false
        }
        guard healthScope.take(relevant) else { return }
        healthRelevant = Set(store.serviceModels.values.lazy.filter(Self.healthRelevant).map(\.name))
        let targets = ServiceHealthChecks.targets(services: store.serviceModels.values, slices: store.sliceModels.values,
                                                  family: settings.ipFamily, nodeName: settings.nodeName)
        await serviceHealth.sync(targets)
        let none = ServiceHealthChecks.portsWithoutLocalEndpoints(services: store.serviceModels.values, slices: store.sliceModels.values,
                                                                  family: settings.ipFamily, nodeName: settings.nodeName)
        metrics.noLocalInternal.set(to: Double(none.internal))
        metrics.noLocalExternal.set(to: Double(none.external))
    }

    /// Whether a Service can have a health-check port or count in the no-local-endpoints gauge.
    static func healthRelevant(_ service: ServiceModel) -> Bool {
        ServiceHealthChecks.needsHealthCheck(service) || service.internalTrafficPolicyLocal || service.externalPolicyLocal
    }

    /// Deletes conntrack entries of UDP services whose endpoints they no longer go to.
    private func cleanStaleUDPFlows(_ desired: Ruleset) {
        guard cleansConntrack else { return }
        let targets = UDPServiceTargets(desired)
        // A flow can only have become stale if the UDP targets changed since the last clean-up:
        // the conntrack dump walks the kernel's whole table, so it runs only then.
        guard !targets.isEmpty, targets != cleanedUDPTargets else { return }
        let started = ContinuousClock.now
        defer { metrics.conntrackReconcileDuration.record(ContinuousClock.now - started) }
        do {
            if conntrack == nil { conntrack = try ConntrackClient(netns: configuration.netns) }
            let stale = targets.stale(try conntrack!.flows(family: configuration.settings.ipFamily, proto: 17))
            for flow in stale { try conntrack!.delete(flow) }
            cleanedUDPTargets = targets
            if !stale.isEmpty {
                metrics.conntrackDeleted.increment(by: Int64(stale.count))
                metrics.conntrackReconcileDeleted.increment(by: Int64(stale.count))
                logger.info("deleted stale UDP conntrack entries", metadata: ["count": "\(stale.count)"])
            }
        } catch {
            conntrack = nil
            udpScope.add(nil)
            logger.warning("UDP conntrack cleanup failed", metadata: ["error": "\(error)"])
        }
    }

    /// How the live state was known: the engine's cache, changed chains re-read, or whole tables.
    private func readKind(_ outcome: ReconcileOutcome) -> String {
        if outcome.reread { return "tables" }
        return engine.patchedChains != nil ? "chains" : "cached"
    }

    private func record(_ reason: SyncReason, outcome: ReconcileOutcome, elapsed: Duration, recomputed: Int, desired: Ruleset) {
        let ops = outcome.applied ? outcome.plan.operations.count : 0
        let repaired = outcome.applied && (reason == .drift || reason == .periodic)
        metrics.syncs.increment()
        metrics.syncDuration.record(elapsed)
        (outcome.reread ? metrics.fullSyncDuration : metrics.partialSyncDuration).record(elapsed)
        metrics.lastTimestamp.set(to: Date().timeIntervalSince1970)
        metrics.operations.record(Double(ops))
        metrics.operationsTotal.increment(by: Int64(ops))
        if outcome.retries > 0 { metrics.generationConflicts.increment(by: Int64(outcome.retries)) }
        if outcome.reread { metrics.rereads.increment() }
        if repaired { metrics.driftRepairs.increment() }
        metrics.recordRuleCounts(desired)
        metrics.recordRulesWritten(outcome.applied ? outcome.plan : Plan(family: desired.family))
        updateStats {
            $0.syncs += 1
            if outcome.applied { $0.commits += 1 }
            if repaired { $0.driftRepairs += 1 }
            if outcome.reread { $0.fullReads += 1 }
            if let patching { $0.chainRereads = patching.partialReads; $0.tableRereads = patching.fullReads }
            $0.lastReason = reason
            $0.lastOperations = ops
        }
        var meta: Logger.Metadata = ["reason": "\(reason.rawValue)", "operations": "\(ops)", "servicesRecomputed": "\(recomputed)",
                                     "read": "\(readKind(outcome))", "elapsed": "\(elapsed)"]
        if outcome.retries > 0 { meta["generationConflicts"] = "\(outcome.retries)" }
        if repaired {
            logger.warning("repaired rules changed by someone else: \(outcome.plan.summary)", metadata: meta)
        } else if outcome.applied {
            logger.info("synced: \(outcome.plan.summary)", metadata: meta)
        } else {
            logger.debug("in sync", metadata: meta)
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
