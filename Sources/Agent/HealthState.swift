import Foundation
import Synchronization

/// kube-proxy's proxier health: unhealthy once a queued update has waited longer than the
/// health timeout (2 x sync period) without a successful sync.
public final class HealthState: Sendable {
    public let timeout: Duration
    private struct State {
        var lastUpdated: Date?
        var oldestPendingQueued: Date?
        var nodeEligible = true
    }
    private let state = Mutex(State())

    public init(timeout: Duration) { self.timeout = timeout }

    /// A change was queued for the next sync.
    public func queued(at now: Date = Date()) {
        state.withLock { if $0.oldestPendingQueued == nil { $0.oldestPendingQueued = now } }
    }

    /// A sync succeeded: everything queued so far is applied.
    public func updated(at now: Date = Date()) {
        state.withLock { $0.lastUpdated = now; $0.oldestPendingQueued = nil }
    }

    /// kube-proxy reports a node being deleted as unhealthy on /healthz (not /livez), so load
    /// balancers drain it.
    public func setNodeEligible(_ eligible: Bool) { state.withLock { $0.nodeEligible = eligible } }

    public var nodeEligible: Bool { state.withLock { $0.nodeEligible } }

    /// Healthy, last update and the time checked.
    public func status(at now: Date = Date()) -> (healthy: Bool, lastUpdated: Date?, now: Date) {
        state.withLock { s in
            guard let oldest = s.oldestPendingQueued else { return (true, s.lastUpdated, now) }
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            return (now.timeIntervalSince(oldest) < seconds, s.lastUpdated, now)
        }
    }

    /// The body kube-proxy's /healthz (`checkNode`) and /livez return.
    func body(at now: Date = Date(), checkNode: Bool) -> (healthy: Bool, json: String) {
        var s = status(at: now)
        let eligible = nodeEligible
        if checkNode && !eligible { s.healthy = false }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let last = s.lastUpdated.map { f.string(from: $0) } ?? "0001-01-01T00:00:00Z"
        return (s.healthy, "{\"lastUpdated\": \"\(last)\",\"currentTime\": \"\(f.string(from: s.now))\", \"nodeEligible\": \(eligible)}")
    }
}
