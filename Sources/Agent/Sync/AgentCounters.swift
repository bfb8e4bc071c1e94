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

    func syncFailed(_ reason: SyncReason) {
        metrics.syncs.increment()
        metrics.restoreFailures.increment()
        if reason == .changes { metrics.partialRestoreFailures.increment() }
        stats.withLock { $0.syncs += 1; $0.failures += 1; $0.lastReason = reason }
    }

    /// A sync that succeeded: durations, operations, conflicts, re-reads and repairs.
    func synced(_ reason: SyncReason, outcome: ReconcileOutcome, elapsed: Duration, desired: Ruleset,
                rereads: (chains: Int, tables: Int)?) {
        let ops = outcome.applied ? outcome.plan.operations.count : 0
        let repaired = Self.repaired(reason, outcome)
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
        stats.withLock {
            $0.syncs += 1
            if outcome.applied { $0.commits += 1 }
            if repaired { $0.driftRepairs += 1 }
            if outcome.reread { $0.fullReads += 1 }
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
