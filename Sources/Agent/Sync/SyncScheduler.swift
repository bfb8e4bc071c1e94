import KubeClient

/// When the agent syncs, and why: change syncs paced by `ChangePacing` (latency-first by default;
/// kube-proxy's bounded-frequency runner with `--iptables-min-sync-period`), drift repair at once
/// (spaced), the periodic full verification, and retries with backoff after failures. Holds only
/// times and flags; what a sync does is the `Syncer`'s.
struct SyncScheduler {
    let configuration: AgentConfiguration
    /// The earliest start of the next sync for changes (nil: at once).
    private var nextChangeSync: ContinuousClock.Instant? = nil
    private var lastDriftSync: ContinuousClock.Instant? = nil
    private var nextVerify: ContinuousClock.Instant
    private var retryAt: ContinuousClock.Instant? = nil
    private var failures = 0
    private var driftPending = false
    private var initialDone = false
    /// The change sync under way began a burst (`ChangePacing.isolated`).
    private var isolatedStart = false

    init(configuration: AgentConfiguration, now: ContinuousClock.Instant = .now) {
        self.configuration = configuration
        nextVerify = now + configuration.syncPeriod
    }

    /// Someone else changed our tables (or events were lost): repair soon.
    mutating func noteDrift() { driftPending = true }

    /// The sync to run now, if any. `synced`: every source has listed; `pending`: changes wait.
    func due(at now: ContinuousClock.Instant, synced: Bool, pending: Bool) -> SyncReason? {
        guard synced else { return nil }
        if !initialDone { return .initial }
        if let retryAt, now >= retryAt { return .retry }
        if driftPending, lastDriftSync.map({ now >= $0 + configuration.driftRepairSpacing }) ?? true { return .drift }
        if pending, nextChangeSync.map({ now >= $0 }) ?? true { return retryAt == nil ? .changes : nil }
        if now >= nextVerify { return .periodic }
        return nil
    }

    /// When the loop must wake up without input (nil: only on input).
    func deadline(synced: Bool, pending: Bool) -> ContinuousClock.Instant? {
        guard synced else { return nil }
        var next = nextVerify
        if let retryAt { next = min(next, retryAt) }
        if driftPending, let lastDriftSync { next = min(next, lastDriftSync + configuration.driftRepairSpacing) }
        if pending, retryAt == nil, let nextChangeSync { next = min(next, nextChangeSync) }
        return next
    }

    /// A sync for `reason` is starting at `now`; returns whether it includes a drift repair.
    mutating func starting(_ reason: SyncReason, at now: ContinuousClock.Instant) -> Bool {
        defer { driftPending = false }
        isolatedStart = reason == .changes && configuration.pacing.isolated(start: now, earliest: nextChangeSync)
        if driftPending { lastDriftSync = now }
        if reason == .initial || reason == .periodic || reason == .retry { nextVerify = now + configuration.syncPeriod }
        return driftPending
    }

    /// The sync that started at `start` ended at `end`, successfully or not.
    mutating func finished(_ reason: SyncReason, ok: Bool, start: ContinuousClock.Instant, end: ContinuousClock.Instant) {
        nextChangeSync = configuration.pacing.next(after: reason, from: start, to: end, isolated: isolatedStart)
        if ok {
            initialDone = true
            failures = 0
            retryAt = nil
        } else {
            failures += 1
            retryAt = start + configuration.retryBackoff.delay(attempt: failures)
        }
    }
}
