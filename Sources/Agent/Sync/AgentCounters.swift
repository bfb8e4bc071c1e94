import Prometheus
import Foundation
import Reconciler
import Synchronization

/// The one place an agent event is counted: each call updates the Prometheus series and the
/// `AgentStats` snapshot together, so the two never disagree.
final class AgentCounters: Sendable {
    let metrics: AgentMetrics
    private let stats = Mutex(AgentStats())

    init(metrics: AgentMetrics) { self.metrics = metrics }

    var snapshot: AgentStats { stats.withLock { $0 } }

    func driftEvent() {
        metrics.driftEvents.increment()
        stats.withLock { $0.driftEvents += 1 }
    }

    func invalidObject() {
        metrics.invalidObjects.increment()
        stats.withLock { $0.invalidObjects += 1 }
    }

    /// A sync whose transaction (every family's plan) failed: counted for each family.
    func syncFailed(_ reason: SyncReason, families: [IPFamily]) {
        metrics.syncs.increment()
        for family in families.map(metrics.family) {
            family.restoreFailures.increment()
            if reason == .changes { family.partialRestoreFailures.increment() }
        }
        stats.withLock { $0.syncs += 1; $0.failures += 1; $0.lastReason = reason }
    }

    /// A sync that succeeded (one transaction for every family: `outcomes[i]` for `desired[i]`):
    /// durations and rule counts per family, operations, conflicts, re-reads and repairs in all.
    func synced(_ reason: SyncReason, outcomes: [ReconcileOutcome], elapsed: Duration, desired: [Ruleset],
                rereads: (chains: Int, tables: Int)?) {
        let ops = outcomes.reduce(0) { $0 + ($1.applied ? $1.plan.operations.count : 0) }
        let repaired = outcomes.contains { Self.repaired(reason, $0) }
        let applied = outcomes.contains(where: \.applied), reread = outcomes.contains(where: \.reread)
        let retries = outcomes.map(\.retries).max() ?? 0
        metrics.syncs.increment()
        for (outcome, ruleset) in zip(outcomes, desired) {
            let family = metrics.family(ruleset.family)
            family.syncDuration.record(elapsed)
            (outcome.reread ? family.fullSyncDuration : family.partialSyncDuration).record(elapsed)
            family.lastTimestamp.set(to: Date().timeIntervalSince1970)
            family.recordRuleCounts(ruleset)
            family.recordRulesWritten(outcome.applied ? outcome.plan : Plan(family: ruleset.family))
        }
        metrics.operations.record(Double(ops))
        metrics.operationsTotal.increment(by: Int64(ops))
        if retries > 0 { metrics.generationConflicts.increment(by: Int64(retries)) }
        if reread { metrics.rereads.increment() }
        if repaired { metrics.driftRepairs.increment() }
        stats.withLock {
            $0.syncs += 1
            if applied { $0.commits += 1 }
            if repaired { $0.driftRepairs += 1 }
            if reread { $0.fullReads += 1 }
            if let rereads { $0.chainRereads = rereads.chains; $0.tableRereads = rereads.tables }
            $0.lastReason = reason
            $0.lastOperations = ops
        }
    }

    /// Whether a sync wrote rules back that someone else had changed.
    static func repaired(_ reason: SyncReason, _ outcome: ReconcileOutcome) -> Bool {
        outcome.applied && (reason == .drift || reason == .periodic)
    }
}
