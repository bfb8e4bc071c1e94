public import Foundation
import Reconciler
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

    /// The body of kube-proxy's /healthz (`checkNode`) and /livez (v1.33+, pkg/proxy/healthcheck/
    /// proxy_health.go): compact JSON with `lastUpdated`, `currentTime`, `nodeEligible` (/healthz
    /// only), `healthy` and the per-family `status`. The status code also fails /healthz for a node
    /// that is not eligible; on success `lastUpdated` reads the current time, as upstream.
    func body(at now: Date = Date(), checkNode: Bool, family: IPFamily = .ipv4) -> (healthy: Bool, json: String) {
        let s = status(at: now)
        let eligible = nodeEligible
        let ok = s.healthy && (!checkNode || eligible)
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let zero = "0001-01-01T00:00:00Z"
        let familyLast = s.lastUpdated.map { f.string(from: $0) } ?? zero
        let last = ok ? f.string(from: now) : familyLast
        let key = family == .ipv4 ? "IPv4" : "IPv6"
        var json = "{\"lastUpdated\":\"\(last)\",\"currentTime\":\"\(f.string(from: now))\""
        if checkNode { json += ",\"nodeEligible\":\(eligible)" }
        json += ",\"healthy\":\(s.healthy)"
        if s.lastUpdated != nil { json += ",\"status\":{\"\(key)\":{\"lastUpdated\":\"\(familyLast)\",\"healthy\":\(s.healthy)}}" }
        return (ok, json + "}")
    }
}
