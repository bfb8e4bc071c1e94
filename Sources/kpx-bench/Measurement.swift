import Foundation

/// CPU time and peak RSS of the calling thread/process, from getrusage.
struct Usage {
    var userMs: Double
    var sysMs: Double
    var maxRSSKB: Int
    /// Page faults served without I/O (first touches of fresh memory, copy-on-write).
    var minorFaults: Int = 0

    var cpuMs: Double { userMs + sysMs }

    /// RUSAGE_THREAD (1): this thread only, so helper threads of the runtime do not count.
    static func thread() -> Usage { read(1) }
    static func process() -> Usage { read(RUSAGE_SELF.rawValue) }

    private static func read(_ who: Int32) -> Usage {
        var r = rusage()
        getrusage(__rusage_who_t(who), &r)
        return Usage(r)
    }

    init(_ r: rusage) {
        userMs = Double(r.ru_utime.tv_sec) * 1000 + Double(r.ru_utime.tv_usec) / 1000
        sysMs = Double(r.ru_stime.tv_sec) * 1000 + Double(r.ru_stime.tv_usec) / 1000
        maxRSSKB = Int(r.ru_maxrss)
        minorFaults = Int(r.ru_minflt)
    }

    init(userMs: Double, sysMs: Double, maxRSSKB: Int) {
        self.userMs = userMs; self.sysMs = sysMs; self.maxRSSKB = maxRSSKB
    }
}

/// One measured repetition of a scenario.
struct Sample: Codable {
    var wallMs: Double
    var cpuMs: Double
    var userMs: Double
    var sysMs: Double
    /// Peak RSS of the measured process (child processes: their own; in-process: nil).
    var maxRSSKB: Int?
    /// Named sub-measurements (phases, netlink counters).
    var extra: [String: Double] = [:]
}

/// A duration in milliseconds.
func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// Milliseconds elapsed on the monotonic clock.
func milliseconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// Runs `body` once, measuring wall time and this thread's CPU time.
func measure<T>(_ body: () throws -> T) rethrows -> (T, Sample) {
    let u0 = Usage.thread()
    let t0 = ContinuousClock.now
    let value = try body()
    let wall = milliseconds(since: t0)
    let u1 = Usage.thread()
    var sample = Sample(wallMs: wall, cpuMs: u1.cpuMs - u0.cpuMs, userMs: u1.userMs - u0.userMs,
                        sysMs: u1.sysMs - u0.sysMs)
    sample.extra["minorFaults"] = Double(u1.minorFaults - u0.minorFaults)
    return (value, sample)
}

/// Order statistics of a list of values.
struct Stats: Codable {
    var median: Double
    var p90: Double
    /// nil in results written before it was added.
    var p99: Double?
    var min: Double
    var max: Double
    var count: Int

    init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        func quantile(_ q: Double) -> Double {
            // Linear interpolation between closest ranks.
            let pos = q * Double(s.count - 1)
            let lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
            return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
        }
        median = quantile(0.5)
        p90 = quantile(0.9)
        p99 = quantile(0.99)
        min = s.first!
        max = s.last!
        count = s.count
    }
}
