import Foundation
import NetlinkBridge
import Reconciler
import ReconcilerTesting

/// Issue 14 at scale: the generated cluster made dual-stack (`DualStackMirror`: every service in
/// both families, every slice with an IPv6 twin). The agent's RSS with a tracker per family and
/// one engine, one incremental dual-stack sync (an endpoint replaced in both families: one
/// transaction), its floor (both families' operations in one raw batch, only the commit timed),
/// and kube-proxy's dual-stack partial sync of the same change (its two proxiers: an
/// `iptables-restore` and an `ip6tables-restore`, one after the other).
extension Runner {
    func dualStackScenarios() throws {
        if wants("dual-agent-rss") { try agentMemory(dualStack: true) }
        if wants("dual-agent-startup-api") { try dualAgentOnTheAPIPath() }
        guard wants("dual-incr-1") || wants("dual-floor-1") || wants("kp-dual-partial-1") else { return }
        let ns = try namespaces.make()
        defer { namespaces.remove(ns) }
        let cluster = DualStackMirror.mirror(w.base)
        var trackers = DualStackMirror.settings.map { ChangeTracker(settings: $0) }
        for i in trackers.indices { trackers[i].update(to: cluster.state) }
        let backend = try TimedBackend(netns: ns)
        let engine = ReconcileEngine(backend: backend, families: [.ipv4, .ipv6])
        _ = try engine.reconcile(trackers.map(\.ruleset))
        // A cold apply is not followed (too many chains): the in-sync read after it keeps the views.
        _ = try engine.reconcile(trackers.map(\.ruleset))
        for i in trackers.indices { trackers[i].clearUnappliedChanges() }
        let base = trackers.map(\.ruleset)
        let (changed, change) = w.generator.changing(w.base, count: 1, kinds: [.endpointReplaced])
        let forward = DualStackMirror.mirror(change)
        let backward = ClusterChange.reversing(forward, base: cluster)
        var target = trackers
        for i in target.indices { target[i].batch { t in for e in forward { e.apply(to: &t) } } }
        let targets = target.map(\.ruleset)
        if wants("dual-incr-1") { try dualIncremental(ns, &trackers, engine, backend, (forward, backward), (base, targets)) }
        if wants("dual-floor-1") { try dualFloor(ns, backend, (base, targets)) }
        if wants("kp-dual-partial-1") && !config.skipKubeProxy {
            let affected = Set(change.map(\.serviceKey))
            try kubeProxyDualPartial(ns, cluster: (cluster, DualStackMirror.mirror(changed)), affected: affected, states: (base, targets))
        }
    }

    /// kube-proxy's meta-proxier on the same change: each family's proxier writes its partial
    /// restore (MinimizeIPTablesRestore), IPv4 then IPv6; the two restores' times add up.
    private func kubeProxyDualPartial(_ ns: String, cluster: (GeneratedCluster, GeneratedCluster), affected: Set<String>,
                                      states: ([Ruleset], [Ruleset])) throws {
        var texts: [(forward: String, backward: String)] = []
        for (i, settings) in DualStackMirror.settings.enumerated() {
            let forward = w.dir + "/kube-proxy-dual-\(settings.ipFamily.rawValue)-forward.iptables"
            let backward = w.dir + "/kube-proxy-dual-\(settings.ipFamily.rawValue)-backward.iptables"
            try ChangeSet.partialText(from: states.0[i], to: states.1[i], toCluster: cluster.1, affected: affected, settings: settings)
                .write(toFile: forward, atomically: false, encoding: .utf8)
            try ChangeSet.partialText(from: states.1[i], to: states.0[i], toCluster: cluster.0, affected: affected, settings: settings)
                .write(toFile: backward, atomically: false, encoding: .utf8)
            texts.append((forward, backward))
        }
        var atTarget = false
        let samples = try repeating(config.reps) { _ in
            var total = Sample(wallMs: 0, cpuMs: 0, userMs: 0, sysMs: 0)
            for (i, tool) in ["iptables-restore", "ip6tables-restore"].enumerated() {
                let file = atTarget ? texts[i].backward : texts[i].forward
                let s = try ChildProcess.inNamespace(ns, [tool, "--noflush"], stdinPath: file).sample
                total.wallMs += s.wallMs; total.cpuMs += s.cpuMs; total.userMs += s.userMs; total.sysMs += s.sysMs
                total.maxRSSKB = max(total.maxRSSKB ?? 0, s.maxRSSKB ?? 0)
            }
            atTarget.toggle()
            for ruleset in atTarget ? states.1 : states.0 { try verify(ns, ruleset, "kube-proxy dual-stack partial sync") }
            return total
        }
        if atTarget {
            for (i, tool) in ["iptables-restore", "ip6tables-restore"].enumerated() {
                _ = try ChildProcess.inNamespace(ns, [tool, "--noflush"], stdinPath: texts[i].backward)
            }
        }
        record(ScenarioResult(id: "kp-dual-partial-1", title: "kube-proxy dual-stack partial sync, 1 service changed (iptables-restore, then ip6tables-restore)",
                              n: w.n, samples: samples, verified: true))
    }

    /// A running dual-stack agent's sync: both trackers fed the events, one reconcile (one transaction).
    private func dualIncremental(_ ns: String, _ trackers: inout [ChangeTracker], _ engine: ReconcileEngine, _ backend: TimedBackend,
                                 _ events: ([ClusterChange], [ClusterChange]), _ states: ([Ruleset], [Ruleset])) throws {
        var atTarget = false
        let samples = try repeating(config.reps) { _ in
            backend.reset()
            let batch = atTarget ? events.1 : events.0
            var (outcomes, s) = try measure {
                for i in trackers.indices { trackers[i].batch { t in for e in batch { e.apply(to: &t) } } }
                let outcomes = try engine.reconcile(trackers.map(\.ruleset), changes: trackers.map(\.unappliedChange))
                for i in trackers.indices { trackers[i].clearUnappliedChanges() }
                return outcomes
            }
            s.extra.merge(backend.extras(total: s.wallMs)) { mine, _ in mine }
            s.extra["planOperations"] = Double(outcomes.reduce(0) { $0 + $1.plan.operations.count })
            atTarget.toggle()
            let expected = atTarget ? states.1 : states.0
            guard trackers.map(\.ruleset) == expected else { throw BenchError("dual-stack trackers diverged from full recompute") }
            guard outcomes.allSatisfy({ $0.applied && !$0.reread && $0.scoped }), backend.commits == 1 else {
                throw BenchError("dual-stack sync: \(outcomes.map { ($0.applied, $0.reread, $0.scoped) }), \(backend.commits) commits")
            }
            return s
        }
        for ruleset in atTarget ? states.1 : states.0 { try verify(ns, ruleset, "dual-stack incremental") }
        if atTarget {
            for i in trackers.indices { trackers[i].batch { t in for e in events.1 { e.apply(to: &t) } } }
            _ = try engine.reconcile(trackers.map(\.ruleset), changes: trackers.map(\.unappliedChange))
            for i in trackers.indices { trackers[i].clearUnappliedChanges() }
        }
        record(ScenarioResult(id: "dual-incr-1", title: "ours: incremental dual-stack sync, 1 service changed in both families (one transaction)",
                              n: w.n, samples: samples, verified: true))
    }

    /// Both families' operations of the same change in one raw batch; only the commit timed.
    private func dualFloor(_ ns: String, _ backend: TimedBackend, _ states: ([Ruleset], [Ruleset])) throws {
        var atTarget = false
        let samples = try repeating(config.reps) { _ in
            let target = atTarget ? states.0 : states.1
            let generation = try backend.generation()
            let plans = try target.map { desired -> Plan in
                var plan = Planner.plan(observed: try backend.observe(family: desired.family, tables: [.filter, .nat]), desired: desired)
                plan.generation = generation
                return plan
            }
            var encoded = try PlanEncoder.encode(plans, ipsets: nil)
            backend.exchange.reset()
            var (_, s) = try measure { try backend.client.commit(&encoded) }
            s.extra.merge(backend.exchange.counters) { mine, _ in mine }
            s.extra["planOperations"] = Double(plans.reduce(0) { $0 + $1.operations.count })
            atTarget.toggle()
            return s
        }
        for ruleset in atTarget ? states.1 : states.0 { try verify(ns, ruleset, "dual-stack floor") }
        record(ScenarioResult(id: "dual-floor-1", title: "floor: both families' operations of the same change in one raw netlink batch",
                              n: w.n, samples: samples, verified: true))
    }

    /// The real agent binary on a dual-stack node, on the API path: process start to the first
    /// completed sync (both families, one transaction), and its RSS then (`VmRSS`) and at its peak.
    private func dualAgentOnTheAPIPath() throws {
        let cluster = DualStackMirror.mirror(w.base)
        let served = RealPathInputs.served(cluster)
        let flags = BenchFlags.node + ["--node-ip", DualStackMirror.ipv6(ClusterGenerator.nodeIP), "--cluster-cidr", "fd00::a:0:0:0/80"]
        let desired = DualStackMirror.settings.map { DesiredState.compute(cluster.state, settings: $0) }
        var samples: [Sample] = []
        for rep in 0..<max(1, config.slowReps) {
            let agent = try RunningAgent(runner: self, cluster: cluster, served: served, flags: flags)
            defer { agent.stop() }
            try agent.process.wait(timeout: 600, "first sync") { agent.process.firstSync != nil }
            let wall = (agent.process.firstSync!.at - agent.process.started.timeIntervalSince1970) * 1000
            for ruleset in desired { try verify(agent.ns, ruleset, "dual-stack agent start-up") }
            var s = Sample(wallMs: wall, cpuMs: agent.process.cpuMs, userMs: 0, sysMs: 0, maxRSSKB: agent.process.memoryKB("VmHWM"))
            s.extra["rssAfterStartKB"] = agent.process.memoryKB("VmRSS").map(Double.init)
            samples.append(s)
            if rep == max(1, config.slowReps) - 1 && wants("dual-npl-1") { try dualIsolatedLatency(agent) }
        }
        record(ScenarioResult(id: "dual-agent-startup-api", title: "dual-stack agent on the API path: process start to first completed sync (both families, one transaction)",
                              n: w.n, samples: samples, verified: true))
    }

    /// One Service's endpoint replaced in both families at once (its IPv4 slice and its IPv6
    /// twin sent together), 300 ms apart: the later of the two families' network-programming
    /// latencies (trigger time to commit, as the agent logs them) is a sample.
    private func dualIsolatedLatency(_ agent: RunningAgent) throws {
        var samples: [Sample] = []
        let pairs = agent.cluster.slices.count / 2
        for rep in 0..<(config.reps * 4) {
            let before = agent.process.programmingLatencies.count
            let v4 = "10.249.\(rep / 250 % 250).\(rep % 250 + 1)", pair = rep % 10 * (pairs / 10)
            agent.change(sliceAt: 2 * pair, to: v4)
            agent.change(sliceAt: 2 * pair + 1, to: DualStackMirror.ipv6(v4))
            try agent.process.wait(timeout: 30, "programming of one dual-stack change") { agent.process.programmingLatencies.count >= before + 2 }
            let latencies = agent.process.programmingLatencies[before...]
            samples.append(Sample(wallMs: latencies.max() ?? 0, cpuMs: 0, userMs: 0, sysMs: 0))
            usleep(300_000)
        }
        record(ScenarioResult(id: "dual-npl-1", title: "dual-stack agent: network-programming latency of one Service's endpoint changed in both families",
                              n: w.n, samples: samples, verified: true))
    }
}
