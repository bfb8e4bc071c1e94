/// When the next sync for changes may start.
///
/// - `.fixed(p)` is kube-proxy's `--iptables-min-sync-period` exactly: at most one change sync per
///   `p`, counted from the start of the previous sync.
/// - `.latencyFirst` (the default): a change syncs as soon as it arrives and no sync is running;
///   what arrives during a sync goes into the next one. The sync right after an isolated change
///   sync (one that started after a quiet moment) is not held back either: it carries the rest of
///   the same burst, e.g. the other family's EndpointSlice of one pod change on a dual-stack node,
///   which the API sends as a separate event. From then on, under a steady stream, the next change
///   sync waits half as long as the previous one took (change syncs use at most two thirds of a
///   core) and starts at least `floor` after the previous one (at most 4 per second). A sync costs about a
///   tenth of kube-proxy's partial sync at every size (BENCHMARKS.md), so under any steady stream the
///   agent spends less CPU than kube-proxy with its 1 s period, while an isolated change is
///   programmed at once.
public enum ChangePacing: Sendable, Equatable {
    case fixed(Duration)
    case latencyFirst(floor: Duration)

    /// Latency-first with a 250 ms floor: the agent's default.
    public static let `default` = ChangePacing.latencyFirst(floor: .milliseconds(250))

    /// The earliest start of the next change sync after a sync for `reason` that ran from
    /// `start` to `end` (`isolated`: it began a burst, see `isolated(start:earliest:)`).
    /// Latency-first paces only by change syncs: a long start-up or verification sync does not
    /// hold back the change that follows it, and neither does an isolated change sync.
    public func next(after reason: SyncReason, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant,
                     isolated: Bool = false) -> ContinuousClock.Instant {
        switch self {
        case .fixed(let period): return start + period
        case .latencyFirst(let floor):
            if reason == .changes && isolated { return end }
            return max(start + floor, reason == .changes ? end + (end - start) / 2 : end)
        }
    }

    /// Whether a change sync starting at `start` begins a burst (latency-first): pacing did not
    /// hold it back, i.e. it starts clearly after the earliest start the previous sync allowed
    /// (a sync held back starts at that moment, give or take the loop's wake-up, well under a
    /// tenth of the floor); nil: nothing held it back.
    public func isolated(start: ContinuousClock.Instant, earliest: ContinuousClock.Instant?) -> Bool {
        switch self {
        case .fixed: return false
        case .latencyFirst(let floor): return earliest.map { start - $0 >= floor / 10 } ?? true
        }
    }

    /// The spacing retries start from (kube-proxy's min-sync-period when fixed).
    var retryBase: Duration {
        switch self {
        case .fixed(let period): return max(period, .milliseconds(100))
        case .latencyFirst(let floor): return max(floor, .milliseconds(100))
        }
    }
}
