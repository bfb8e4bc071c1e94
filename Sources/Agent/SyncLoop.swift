import Foundation
import KubeClient
import Logging
import NetlinkBridge
import Reconciler

/// The agent's scheduling: change syncs paced by `ChangePacing` (latency-first by default;
/// kube-proxy's bounded-frequency runner with `--iptables-min-sync-period`; everything that
/// arrived meanwhile goes into the one next sync), immediate drift repair (spaced), the periodic
/// full verification, and retries with backoff after failures.
struct SyncLoop {
    let agent: ProxyAgent
    var store = ObjectStore()
    var tracker: ChangeTracker
    /// The earliest start of the next sync for changes (nil: at once).
    var nextChangeSync: ContinuousClock.Instant? = nil
    var lastDriftSync: ContinuousClock.Instant? = nil
    var nextVerify: ContinuousClock.Instant
    var retryAt: ContinuousClock.Instant? = nil
    var failures = 0
    var driftPending = false
    var initialDone = false

    init(agent: ProxyAgent) {
        self.agent = agent
        tracker = ChangeTracker(settings: agent.configuration.settings)
        nextVerify = .now + agent.configuration.syncPeriod
    }

    var config: AgentConfiguration { agent.configuration }

    mutating func run() async {
        while true {
            let inputs = await agent.inbox.take(until: deadline())
            var stop = false
            for input in inputs {
                switch input {
                case .shutdown: stop = true
                case .cluster(let event): absorb(event)
                case .drift(let transaction):
                    driftPending = true
                    guard let transaction else {
                        agent.logger.info("nf_tables events not followed (socket overflow or a large commit of ours); verifying our tables")
                        continue
                    }
                    agent.metrics.driftEvents.increment()
                    agent.updateStats { $0.driftEvents += 1 }
                    agent.logger.info("foreign change to our tables", metadata: [
                        "process": "\(transaction.processName ?? "?")", "pid": "\(transaction.pid.map(String.init) ?? "?")",
                        "generation": "\(transaction.generation.description)"])
                }
            }
            if stop { return }
            if let reason = due(at: .now) { await runSync(reason) }
        }
    }

    mutating func absorb(_ event: ClusterEvent) {
        if case .node(let node) = event { return adopt(node) }
        let changed = store.apply(event)
        for issue in store.lastIssues {
            agent.metrics.invalidObjects.increment()
            agent.updateStats { $0.invalidObjects += 1 }
            agent.logger.warning("invalid API object skipped", metadata: ["object": "\(issue.object)", "field": "\(issue.field)",
                                                                          "problem": "\(issue.message)"])
        }
        guard changed else { return }
        switch event {
        case .upsert(.service): agent.metrics.serviceChanges.increment()
        case .delete(let key) where key.kind == .service: agent.metrics.serviceChanges.increment()
        case .replace(.service, _): agent.metrics.serviceChanges.increment()
        default: agent.metrics.endpointChanges.increment()
        }
        agent.metrics.serviceChangesPending.set(to: Double(store.pendingServices.count))
        agent.metrics.endpointChangesPending.set(to: Double(store.pendingEndpoints.count))
        agent.metrics.lastQueuedTimestamp.set(to: Date().timeIntervalSince1970)
        if store.isSynced { agent.health.queued() }
    }

    /// A new zone label changes which endpoints topology hints select: every service is recomputed.
    mutating func adopt(_ node: NodeInfo) {
        if agent.health.nodeEligible == node.beingDeleted {
            agent.health.setNodeEligible(!node.beingDeleted)
            agent.logger.info("node eligibility changed", metadata: ["eligible": "\(!node.beingDeleted)"])
        }
        guard node.zone != tracker.settings.topologyZone, agent.configuration.followsNodeZone else { return }
        agent.logger.info("node zone changed; recomputing every service", metadata: [
            "from": "\(tracker.settings.topologyZone ?? "none")", "to": "\(node.zone ?? "none")"])
        var settings = tracker.settings
        settings.topologyZone = node.zone
        tracker = ChangeTracker(settings: settings)
        store.markAllPending()
        if store.isSynced { agent.health.queued() }
    }

    /// The sync to run now, if any.
    func due(at now: ContinuousClock.Instant) -> SyncReason? {
        guard store.isSynced else { return nil }
        if !initialDone { return .initial }
        if let retryAt, now >= retryAt { return .retry }
        if driftPending, lastDriftSync.map({ now >= $0 + config.driftRepairSpacing }) ?? true { return .drift }
        if store.hasPending, nextChangeSync.map({ now >= $0 }) ?? true { return retryAt == nil ? .changes : nil }
        if now >= nextVerify { return .periodic }
        return nil
    }

    /// When the loop must wake up without input.
    func deadline() -> ContinuousClock.Instant? {
        guard store.isSynced else { return nil }
        var next = nextVerify
        if let retryAt { next = min(next, retryAt) }
        if driftPending, let lastDriftSync { next = min(next, lastDriftSync + config.driftRepairSpacing) }
        if store.hasPending, retryAt == nil, let nextChangeSync { next = min(next, nextChangeSync) }
        return next
    }

    mutating func runSync(_ reason: SyncReason) async {
        let now = ContinuousClock.now
        let wasDrift = driftPending
        driftPending = false
        let ok = agent.sync(reason, tracker: &tracker, store: &store)
        nextChangeSync = config.pacing.next(after: reason, from: now, to: .now)
        if wasDrift { lastDriftSync = now }
        if reason == .initial || reason == .periodic || reason == .retry { nextVerify = now + config.syncPeriod }
        if ok {
            // Health-check ports open and close in the sync that programs or removes their rules.
            await agent.syncHealthChecks(store, settings: tracker.settings)
            initialDone = true
            failures = 0
            retryAt = nil
        } else {
            failures += 1
            retryAt = now + config.retryBackoff.delay(attempt: failures)
        }
    }
}
