import Foundation
import NetlinkBridge
import Reconciler

/// Runs every scenario for one workload, verifying the live state after each repetition.
final class Runner {
    struct Config {
        var reps: Int
        var slowReps: Int
        /// A scenario whose first repetition took longer than this is not repeated.
        var slowLimitMs: Double
        var seed: UInt64
        var skipKubeProxyFullAbove: Int?
        var skipKubeProxy = false
        /// Scenario ids not to measure (their setup still happens, untimed).
        var skip: Set<String> = []
        /// Pause before every timed repetition, so that the previous repetition's verification
        /// and the kernel's deferred work from the last commit are over (a running agent's syncs
        /// are at least --min-sync-period apart).
        var settleMs: UInt32 = 0
    }

    let w: Workload
    let config: Config
    let namespaces: Namespaces
    var results: [ScenarioResult] = []
    let log: (String) -> Void
    /// Called after every scenario (the run command rewrites the report, so a run cut short keeps its data).
    var onRecord: ([ScenarioResult]) -> Void = { _ in }

    func wants(_ id: String) -> Bool { !config.skip.contains(id) }

    init(_ w: Workload, config: Config, namespaces: Namespaces, log: @escaping (String) -> Void) {
        self.w = w
        self.config = config
        self.namespaces = namespaces
        self.log = log
    }

    func record(_ r: ScenarioResult) {
        results.append(r)
        onRecord(results)
        let m = r.wallMs.map { String(format: "median %.1f ms (min %.1f, max %.1f, n=%d)", $0.median, $0.min, $0.max, $0.count) } ?? "-"
        log("  \(r.id) N=\(r.n): \(m) \(r.verified ? "verified" : "NOT VERIFIED")")
    }

    /// Live state of `ns` equals `desired` (fresh read, empty plan), else throws.
    func verify(_ ns: String, _ desired: Ruleset, _ scenario: String) throws {
        let engine = ReconcileEngine(backend: try NetlinkBackend(netns: ns), family: desired.family)
        do { _ = try engine.verify(desired) } catch {
            throw BenchError("\(scenario) N=\(w.n): live state differs from desired: \(error)")
        }
    }

    /// Repeats `body` `reps` times (fewer when the first run was slower than the limit).
    func repeating(_ reps: Int, _ body: (Int) throws -> Sample) throws -> [Sample] {
        var out: [Sample] = []
        for i in 0..<reps {
            if config.settleMs > 0 { usleep(config.settleMs * 1000) }
            out.append(try body(i))
            if i == 0 && out[0].wallMs > config.slowLimitMs { break }
        }
        return out
    }

    func runAll() throws {
        if !config.skipKubeProxy { try kubeProxyScenarios() }
        try ourScenarios()
        if wants("agent-rss") { try agentMemory() }
        try dualStackScenarios()
        try realPathScenarios()
    }

    // MARK: kube-proxy (iptables-restore)

    func restore(_ ns: String, _ file: String, noflush: Bool) throws -> Sample {
        try ChildProcess.inNamespace(ns, ["iptables-restore"] + (noflush ? ["--noflush"] : []), stdinPath: file).sample
    }

    func kubeProxyScenarios() throws {
        // Flushing restore of the whole desired state into an empty namespace.
        var samples = try repeating(config.slowReps) { _ in
            let ns = try namespaces.make()
            defer { namespaces.remove(ns) }
            let s = try restore(ns, w.saveFull, noflush: false)
            try verify(ns, w.desired, "iptables-restore (flush)")
            return s
        }
        record(ScenarioResult(id: "kp-restore-flush", title: "iptables-restore with flush (whole state)", n: w.n,
                              samples: samples, verified: true))

        if let cap = config.skipKubeProxyFullAbove, w.n > cap {
            log("  kube-proxy full sync skipped above N=\(cap) (--kube-proxy-full-max)")
            let ns = try namespaces.make()
            defer { namespaces.remove(ns) }
            _ = try restore(ns, w.saveFull, noflush: false)
            try kubeProxyPartial(ns)
            return
        }
        var kept: String?
        samples = try repeating(config.slowReps) { _ in
            if let k = kept { namespaces.remove(k) }
            let ns = try namespaces.make()
            kept = ns
            _ = try restore(ns, w.prelude, noflush: false)
            let s = try restore(ns, w.kubeProxyFull, noflush: true)
            try verify(ns, w.desired, "kube-proxy full sync")
            return s
        }
        record(ScenarioResult(id: "kp-full-empty", title: "kube-proxy full sync into an empty table (restore --noflush)",
                              n: w.n, samples: samples, verified: true))
        let ns = kept!
        defer { namespaces.remove(ns) }
        samples = try repeating(config.slowReps) { _ in
            let s = try restore(ns, w.kubeProxyFull, noflush: true)
            try verify(ns, w.desired, "kube-proxy restart")
            return s
        }
        record(ScenarioResult(id: "kp-full-restart", title: "kube-proxy full sync into a table in sync (restart)",
                              n: w.n, samples: samples, verified: true))
        try kubeProxyPartial(ns)
    }

    func kubeProxyPartial(_ ns: String) throws {
        for set in w.changes {
            var atTarget = false
            let samples = try repeating(config.reps) { _ in
                let s = try restore(ns, atTarget ? set.kubeProxyBackward : set.kubeProxyForward, noflush: true)
                atTarget.toggle()
                try verify(ns, atTarget ? set.desiredTarget : w.desired, "kube-proxy partial sync")
                return s
            }
            if atTarget { _ = try restore(ns, set.kubeProxyBackward, noflush: true) }
            record(ScenarioResult(id: "kp-partial-\(set.k)",
                                  title: "kube-proxy partial sync, \(set.k) service\(set.k == 1 ? "" : "s") changed",
                                  n: w.n, samples: samples, verified: true))
        }
    }
}
