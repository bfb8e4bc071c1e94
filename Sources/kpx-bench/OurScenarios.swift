import ReconcilerTesting
import Foundation
import NetlinkBridge
import NetlinkBridgeTesting
import Reconciler

extension Runner {
    func ourScenarios() throws {
        // Cold apply: a new process's work into an empty namespace (compute desired, read, plan, one commit).
        var kept: String?
        if !wants("ours-cold") {
            // Untimed setup: the desired state, loaded by a flushing restore.
            let ns = try namespaces.make()
            kept = ns
            _ = try restore(ns, w.saveFull, noflush: false)
            try verify(ns, w.desired, "setup")
        }
        let samples = !wants("ours-cold") ? [] : try repeating(config.reps) { _ in
            if let k = kept { namespaces.remove(k) }
            let ns = try namespaces.make()
            kept = ns
            var backend: TimedBackend?
            var (_, s) = try measure {
                let desired = DesiredState.compute(w.base.state, settings: w.settings)
                backend = try TimedBackend(netns: ns)
                return try ReconcileEngine(backend: backend!, family: .ipv4).reconcile(desired)
            }
            s.extra.merge(backend!.extras(total: s.wallMs)) { mine, _ in mine }
            try verify(ns, w.desired, "cold apply")
            return s
        }
        if wants("ours-cold") {
            record(ScenarioResult(id: "ours-cold", title: "ours: cold apply into an empty table", n: w.n, samples: samples, verified: true))
        }
        let ns = kept!
        defer { namespaces.remove(ns) }

        if wants("ours-restart") { try restart(ns) }
        try incremental(ns)
        try floor(ns)
        try dumps(ns)
    }

    /// Restart: a new engine against a table in sync: read + plan, nothing written.
    func restart(_ ns: String) throws {
        let samples = try repeating(config.reps) { _ in
            var backend: TimedBackend?
            var (outcome, s) = try measure {
                let desired = DesiredState.compute(w.base.state, settings: w.settings)
                backend = try TimedBackend(netns: ns)
                return try ReconcileEngine(backend: backend!, family: .ipv4).reconcile(desired)
            }
            s.extra.merge(backend!.extras(total: s.wallMs)) { mine, _ in mine }
            guard !outcome.applied, backend!.commits == 0 else { throw BenchError("restart wrote: \(outcome.plan.summary)") }
            return s
        }
        try verify(ns, w.desired, "restart")
        record(ScenarioResult(id: "ours-restart", title: "ours: restart, table in sync (read + plan, zero writes)",
                              n: w.n, samples: samples, verified: true))
    }

    static func incrementalID(_ k: Int, foreign: Bool) -> String { foreign ? "ours-incr-foreign-\(k)" : "ours-incr-\(k)" }

    /// A running agent: change tracker and engine with cached state, fed each sync's events.
    func incremental(_ ns: String) throws {
        let ids = w.changes.flatMap { set in [false, true].map { Runner.incrementalID(set.k, foreign: $0) } }
        guard ids.contains(where: wants) else { return }
        let backend = try TimedBackend(netns: ns)
        backend.follower = try ChangeFollower(netns: ns, family: .ipv4)
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        var tracker = ChangeTracker(settings: w.settings)
        tracker.update(to: w.base.state)
        _ = try ChildProcess.inNamespace(ns, ["nft", "add", "table", "inet", "kpxb-foreign"])
        _ = try engine.reconcile(tracker.ruleset)
        tracker.clearUnappliedChanges()
        var foreignCount = 0
        for set in w.changes {
            for foreign in [false, true] where wants(Runner.incrementalID(set.k, foreign: foreign)) {
                var atTarget = false
                let samples = try repeating(config.reps) { _ in
                    if foreign {
                        foreignCount += 1
                        _ = try ChildProcess.inNamespace(ns, ["nft", "add", "chain", "inet", "kpxb-foreign", "c\(foreignCount)"])
                    }
                    backend.reset()
                    let events = atTarget ? set.backward : set.forward
                    var recompute = 0.0, changeMs = 0.0
                    var (outcome, s) = try measure {
                        let t0 = ContinuousClock.now
                        tracker.batch { t in for e in events { e.apply(to: &t) } }
                        recompute = milliseconds(since: t0)
                        let t1 = ContinuousClock.now
                        let change = tracker.unappliedChange
                        changeMs = milliseconds(since: t1)
                        let outcome = try engine.reconcile(tracker.ruleset, change: change)
                        tracker.clearUnappliedChanges()
                        return outcome
                    }
                    s.extra.merge(backend.extras(total: s.wallMs - recompute)) { mine, _ in mine }
                    s.extra["recomputeMs"] = recompute
                    s.extra["changeMs"] = changeMs
                    s.extra["planMs"] = milliseconds(engine.lastPlanning)  // with its generation check
                    s.extra["viewMs"] = milliseconds(engine.lastViewUpdate)  // with its generation check
                    // Our own computation, each part timed where it runs: tracker, change, plan, encode, view update.
                    s.extra["ownMs"] = recompute + changeMs + (s.extra["planMs"] ?? 0) + (s.extra["encodeMs"] ?? 0) + (s.extra["viewMs"] ?? 0)
                    // Everything but the kernel's commit and reads (includes waits for a core and page faults).
                    s.extra["userspaceMs"] = s.wallMs - (s.extra["commitMs"] ?? 0) - (s.extra["readTablesMs"] ?? 0) - (s.extra["readChainsMs"] ?? 0)
                    s.extra["reread"] = outcome.reread ? 1 : 0
                    s.extra["scoped"] = outcome.scoped ? 1 : 0
                    s.extra["followedChains"] = Double(engine.patchedChains ?? -1)
                    s.extra["planOperations"] = Double(outcome.plan.operations.count)
                    atTarget.toggle()
                    let expected = atTarget ? set.desiredTarget : w.desired
                    guard tracker.ruleset == expected else { throw BenchError("tracker diverged from full recompute") }
                    // A foreign write elsewhere is followed from the notifications: nothing of ours to re-read.
                    guard !outcome.reread, outcome.scoped, (engine.patchedChains != nil) == foreign else {
                        throw BenchError("reread \(outcome.reread), scoped \(outcome.scoped), followed \(String(describing: engine.patchedChains))")
                    }
                    try verify(ns, expected, "incremental apply")
                    return s
                }
                if atTarget {
                    for e in set.backward { e.apply(to: &tracker) }
                    _ = try engine.reconcile(tracker.ruleset)
                    tracker.clearUnappliedChanges()
                }
                let id = Runner.incrementalID(set.k, foreign: foreign)
                let title = "ours: incremental apply, \(set.k) service\(set.k == 1 ? "" : "s") changed"
                    + (foreign ? ", after a foreign write elsewhere (followed from notifications)" : " (cached state)")
                record(ScenarioResult(id: id, title: title, n: w.n, samples: samples, verified: true))
            }
        }
    }

    /// The raw-netlink floor: the same plan, encoded and committed directly; only the commit timed.
    func floor(_ ns: String) throws {
        let backend = try TimedBackend(netns: ns)
        for set in w.changes where wants("floor-\(set.k)") {
            var atTarget = false
            let samples = try repeating(config.reps) { _ in
                let target = atTarget ? w.desired : set.desiredTarget
                let observed = try backend.observe(family: .ipv4, tables: [.filter, .nat])
                let plan = Planner.plan(observed: observed, desired: target)
                let (batch, build) = try measure { try PlanTranslator.batch(plan) }
                backend.exchange.reset()
                var (_, s) = try measure { try backend.client.commit(batch) }
                s.extra.merge(backend.exchange.counters) { mine, _ in mine }
                s.extra["buildMs"] = build.wallMs
                s.extra["planOperations"] = Double(plan.operations.count)
                atTarget.toggle()
                try verify(ns, target, "raw netlink floor")
                return s
            }
            if atTarget {
                let observed = try backend.observe(family: .ipv4, tables: [.filter, .nat])
                try backend.client.commit(try PlanTranslator.batch(Planner.plan(observed: observed, desired: w.desired)))
            }
            record(ScenarioResult(id: "floor-\(set.k)", title: "floor: raw netlink transaction of the same operations, \(set.k) service\(set.k == 1 ? "" : "s")",
                                  n: w.n, samples: samples, verified: true))
        }
    }

    /// Reading the live tables: ours (netlink dump + decode to the AST) vs iptables-save.
    func dumps(_ ns: String) throws {
        guard wants("ours-dump") || wants("iptables-save") else { return }
        var samples = try repeating(config.reps) { _ in
            let sockets = CountingSockets(netns: ns)
            let client = try sockets.client()
            var (ruleset, s) = try measure {
                TableReader.ruleset(try TableReader.read(client, family: .ipv4, only: [.filter, .nat]), family: .ipv4)
            }
            s.extra.merge(sockets.counters) { mine, _ in mine }
            guard Planner.plan(observed: ObservedRuleset.numbering(ruleset), desired: w.desired).isEmpty else {
                throw BenchError("dump+decode did not give the desired state")
            }
            return s
        }
        record(ScenarioResult(id: "ours-dump", title: "ours: dump + decode filter and nat over netlink", n: w.n,
                              samples: samples, verified: true))
        samples = try repeating(config.reps) { _ in
            try ChildProcess.inNamespace(ns, ["iptables-save"], captureOutput: false).sample
        }
        record(ScenarioResult(id: "iptables-save", title: "iptables-save (all tables)", n: w.n, samples: samples, verified: true))
    }

    /// Peak RSS of an agent process (generate, cold apply, restart, 10 incremental syncs); with
    /// `dualStack`, of every service in both families.
    func agentMemory(dualStack: Bool = false) throws {
        let out = try ChildProcess.run(["/proc/self/exe", "agent", "--services", "\(w.n)", "--seed", "\(config.seed)"]
                                       + (dualStack ? ["--dual-stack"] : []), captureOutput: true)
        var s = out.sample
        let fields = out.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        s.maxRSSKB = fields.first ?? out.sample.maxRSSKB
        if fields.count > 1 { s.extra["steadyRSSKB"] = Double(fields[1]) }
        if fields.count > 2 { s.extra["runningPeakRSSKB"] = Double(fields[2]) }
        record(ScenarioResult(id: dualStack ? "dual-agent-rss" : "agent-rss",
                              title: (dualStack ? "dual-stack " : "") + "agent process: generate, cold apply, restart, 10 incremental syncs (peak RSS = VmHWM; running peak = VmHWM over the syncs only)",
                              n: w.n, samples: [s], verified: true))
    }
}
