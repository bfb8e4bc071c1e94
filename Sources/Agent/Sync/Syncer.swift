import Prometheus
import ClusterSource
import Foundation
import KubeClient
import Logging
import NetlinkBridge
import Reconciler

/// What a sync does, and everything it keeps between syncs: the API objects (`ObjectStore`), the
/// incremental desired ruleset of each family the node proxies (a `ChangeTracker` per family),
/// the reconcile engine with its view of the kernel (both families' plans go out as one
/// transaction), and the per-sync duties. Confined to the agent's loop task.
final class Syncer {
    let configuration: AgentConfiguration
    private(set) var store = ObjectStore()
    /// One per family, in `configuration.families` order (the engine's).
    private(set) var trackers: [ChangeTracker]
    private let engine: ReconcileEngine
    private let parts: SyncerParts
    private var healthDuty = HealthCheckDuty()
    /// The `ip_family` series of each family (looked up once: every watch event sets one).
    private let familySeries: [FamilyMetrics]
    /// One per family (stale UDP flows are per family in conntrack too).
    private var udpDuties: [StaleUDPDuty] = []
    /// The nfacct objects exist (checked again after any failure).
    private var accountingReady = false
    /// When glibc's free memory was last returned to the system.
    private var lastTrim = ContinuousClock.now

    init(configuration: AgentConfiguration, engine: ReconcileEngine, parts: SyncerParts) {
        self.configuration = configuration
        self.engine = engine
        self.parts = parts
        trackers = configuration.families.map { ChangeTracker(settings: $0) }
        familySeries = configuration.families.map { parts.counters.metrics.family($0.ipFamily) }
        if parts.cleansConntrack {
            udpDuties = configuration.families.map { StaleUDPDuty(netns: configuration.netns, family: $0.ipFamily) }
        }
    }

    /// The primary family's tracker (its settings serve the node-wide duties: health checks).
    var tracker: ChangeTracker { trackers[configuration.primaryIndex] }

    private var logger: Logger { parts.logger }
    private var metrics: AgentMetrics { parts.counters.metrics }

    /// Every source has listed: syncs may start.
    var isSynced: Bool { store.isSynced }
    var hasPending: Bool { store.hasPending }

    /// Takes one cluster event into the store (a Node into the settings).
    func absorb(_ event: ClusterEvent) {
        if case .node(let node) = event { return adopt(node) }
        let changed = store.apply(event)
        for issue in store.lastIssues {
            parts.counters.invalidObject()
            logger.warning("invalid API object skipped", metadata: ["object": "\(issue.object)", "field": "\(issue.field)",
                                                                    "problem": "\(issue.message)"])
        }
        guard changed else { return }
        switch event {
        case .upsert(.service), .replace(.service, _): metrics.serviceChanges.increment()
        case .delete(let key) where key.kind == .service: metrics.serviceChanges.increment()
        default: metrics.endpointChanges.increment()
        }
        metrics.serviceChangesPending.set(to: Double(store.pendingServices.count))
        metrics.endpointChangesPending.set(to: Double(store.pendingEndpoints.count))
        let now = Date().timeIntervalSince1970
        for series in familySeries { series.lastQueuedTimestamp.set(to: now) }
        if store.isSynced { parts.health.queued() }
    }

    /// A new zone label changes which endpoints topology hints select: every service is recomputed.
    private func adopt(_ node: NodeInfo) {
        let health = parts.health
        if health.nodeEligible == node.beingDeleted {
            health.setNodeEligible(!node.beingDeleted)
            logger.info("node eligibility changed", metadata: ["eligible": "\(!node.beingDeleted)"])
        }
        guard node.zone != tracker.settings.topologyZone, configuration.followsNodeZone else { return }
        logger.info("node zone changed; recomputing every service", metadata: [
            "from": "\(tracker.settings.topologyZone ?? "none")", "to": "\(node.zone ?? "none")"])
        trackers = trackers.map { old in
            var settings = old.settings
            settings.topologyZone = node.zone
            return ChangeTracker(settings: settings)
        }
        store.markAllPending()
        if store.isSynced { health.queued() }
    }

    /// One sync, then the duties it concerns; returns whether the sync succeeded.
    func sync(_ reason: SyncReason) async -> Bool {
        guard program(reason) else { return false }
        // Health-check ports open and close in the sync that programs or removes their rules.
        await healthDuty.run(store, families: trackers.map(\.settings), primary: configuration.primaryIndex,
                             servers: parts.serviceHealth, metrics: metrics)
        return true
    }

    /// Brings the kernel to the desired rulesets (every family in one transaction); on failure
    /// the previous rules stay.
    private func program(_ reason: SyncReason) -> Bool {
        let started = ContinuousClock.now
        let pending = store.drain()
        metrics.serviceChangesPending.set(to: 0)
        metrics.endpointChangesPending.set(to: 0)
        // Start-up, verification and settings changes compare every object; other syncs apply
        // only what changed.
        let whole = pending.full || reason == .initial || reason == .periodic
        var recomputed = Set<ServiceName>()
        for i in trackers.indices {
            recomputed.formUnion(whole ? trackers[i].update(to: store.state) : trackers[i].apply(pending, from: store))
        }
        healthDuty.changed(whole ? nil : recomputed)
        for i in udpDuties.indices { udpDuties[i].changed(whole ? nil : recomputed) }
        let desired = trackers.map(\.ruleset)
        if reason == .initial || reason == .periodic { engine.invalidate() }
        do {
            if !accountingReady, let accounting = parts.accounting {
                for ruleset in desired { try accounting(ruleset) }
                accountingReady = true
            }
            // Only the chains changed since the last apply are planned while the engine's cached
            // state is valid; after any re-read the whole ruleset is.
            let outcomes = try engine.reconcile(desired, changes: trackers.map(\.unappliedChange))
            for i in trackers.indices { trackers[i].clearUnappliedChanges() }
            let elapsed = ContinuousClock.now - started
            parts.counters.synced(reason, outcomes: outcomes, elapsed: elapsed, desired: desired,
                                  rereads: parts.patching.map { ($0.partialReads, $0.fullReads) })
            log(reason, outcomes: outcomes, elapsed: elapsed, recomputed: recomputed.count)
            for i in udpDuties.indices where outcomes[i].applied {
                udpDuties[i].run(desired[i], store: store, metrics: metrics, logger: logger)
            }
            trimMemory(afterRead: outcomes.contains(where: \.reread))
            recordLatency(pending.triggers)
            parts.health.updated()
            return true
        } catch {
            engine.invalidate()
            accountingReady = false
            parts.counters.syncFailed(reason, families: engine.families)
            logger.error("sync failed; previous rules left in place, will retry", metadata: [
                "reason": "\(reason.rawValue)", "error": "\(error)"])
            return false
        }
    }

    /// A whole-table read leaves its decoding transients in glibc's arenas; so do, slowly, the
    /// watch events and syncs of a running agent: hand them back after a read, and at most every
    /// 10 s otherwise (steady RSS at 10k: see BENCHMARKS.md).
    private func trimMemory(afterRead: Bool) {
        guard afterRead || ContinuousClock.now - lastTrim > .seconds(10) else { return }
        ReleasedMemory.trimNow()
        lastTrim = .now
    }

    /// Network-programming latency from each change's trigger time to now, in the family of the
    /// slices that changed (as each of kube-proxy's per-family proxiers records it).
    private func recordLatency(_ triggers: [IPFamily: [ServiceName: Date]]) {
        for (family, services) in triggers where trackers.contains(where: { $0.settings.ipFamily == family }) {
            let histogram = metrics.family(family).networkProgramming
            for (service, trigger) in services {
                let latency = Date().timeIntervalSince(trigger)
                guard latency >= 0 else { continue }
                histogram.record(.milliseconds(Int64(latency * 1000)))
                // kube-proxy logs the same at V(4).
                logger.debug("Network programming", metadata: ["endpoint": "\(service)", "elapsed": "\(latency)"])
            }
        }
    }

    private func log(_ reason: SyncReason, outcomes: [ReconcileOutcome], elapsed: Duration, recomputed: Int) {
        let ops = outcomes.reduce(0) { $0 + ($1.applied ? $1.plan.operations.count : 0) }
        let read = outcomes.contains(where: \.reread) ? "tables" : engine.patchedChains != nil ? "chains" : "cached"
        var meta: Logger.Metadata = ["reason": "\(reason.rawValue)", "operations": "\(ops)", "servicesRecomputed": "\(recomputed)",
                                     "read": "\(read)", "elapsed": "\(elapsed)"]
        if let retries = outcomes.map(\.retries).max(), retries > 0 { meta["generationConflicts"] = "\(retries)" }
        let labelled = outcomes.count > 1
        let summary = outcomes.filter(\.applied)
            .map { (labelled ? "\($0.plan.family.rawValue) " : "") + "\($0.plan.summary)" }.joined(separator: "; ")
        if outcomes.contains(where: { AgentCounters.repaired(reason, $0) }) {
            logger.warning("repaired rules changed by someone else: \(summary)", metadata: meta)
        } else if outcomes.contains(where: \.applied) {
            logger.info("synced: \(summary)", metadata: meta)
        } else {
            logger.debug("in sync", metadata: meta)
        }
    }
}

/// What the syncer reports to and calls out to, built once by `ProxyAgent`.
struct SyncerParts {
    let counters: AgentCounters
    let health: HealthState
    let serviceHealth: ServiceHealthServers
    let logger: Logger
    /// Creates the nfacct objects the ruleset counts into (kernel backends with nfacct).
    let accounting: ((Ruleset) throws -> Void)?
    /// Re-reads only changed chains when the event log can vouch for them (kernel backends).
    let patching: PatchingBackend?
    let cleansConntrack: Bool
}
