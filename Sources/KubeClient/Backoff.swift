/// Exponential backoff with jitter for reconnects: attempt n waits a random time between half and
/// all of `min(cap, base * 2^(n-1))`.
public struct Backoff: Sendable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .milliseconds(200), cap: Duration = .seconds(30)) {
        self.base = base
        self.cap = cap
    }

    /// The wait before attempt `attempt` (1-based).
    public func delay(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(base * (1 << exponent), cap)
        return full * Double.random(in: 0.5...1.0)
    }
}
