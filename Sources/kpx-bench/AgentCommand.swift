import ArgumentParser
import Foundation
import NetlinkBridge
import Reconciler
import ReconcilerTesting

/// `kpx-bench agent`: what a running agent holds, in a process of its own, so its peak RSS can be
/// read: the cluster objects, a change tracker, the engine's view. Prints, in KiB, the start-up peak
/// (VmHWM after the cold apply and restart), the RSS after the syncs, and the peak over the syncs.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent", abstract: "Peak-RSS probe (used by run).")

    @Option var services: Int
    @Option var seed: UInt64 = 42
    @Option var syncs = 10
    @Option(help: "Services changed per sync (1: an endpoint replaced; more: every kind of change).") var changed = 1
    @Flag(name: .customLong("dual-stack"), help: "Every service of both families (DualStackMirror): a tracker per family, one engine.")
    var dualStack = false

    func run() throws {
        let namespaces = Namespaces()
        defer { namespaces.removeAll() }
        let ns = try namespaces.make()
        let generator = ClusterGenerator(seed: seed)
        let base = generator.cluster(services: services)
        let cluster = dualStack ? DualStackMirror.mirror(base) : base
        let settings = dualStack ? DualStackMirror.settings : [ClusterGenerator.settings]
        var trackers = settings.map { ChangeTracker(settings: $0) }
        for i in trackers.indices { trackers[i].update(to: cluster.state) }
        let families = settings.map(\.ipFamily)
        _ = try ReconcileEngine(backend: try NetlinkBackend(netns: ns), families: families).reconcile(trackers.map(\.ruleset))
        let engine = ReconcileEngine(backend: try NetlinkBackend(netns: ns), families: families)
        _ = try engine.reconcile(trackers.map(\.ruleset))
        ReleasedMemory.trimNow()  // as the agent does after a whole-table read
        for i in trackers.indices { trackers[i].clearUnappliedChanges() }
        // The start-up peak (cold apply, restart) apart from the running agent's: writing 5 to
        // clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
        let startupPeak = Self.statusField("VmHWM") ?? Usage.process().maxRSSKB
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let (_, change) = generator.changing(base, count: changed, kinds: changed == 1 ? [.endpointReplaced] : ChangeKind.allCases)
        let forward = dualStack ? DualStackMirror.mirror(change) : change
        let backward = ClusterChange.reversing(forward, base: cluster)
        for i in 0..<syncs {
            for t in trackers.indices { trackers[t].batch { t in for e in (i % 2 == 0 ? forward : backward) { e.apply(to: &t) } } }
            _ = try engine.reconcile(trackers.map(\.ruleset), changes: trackers.map(\.unappliedChange))
            for t in trackers.indices { trackers[t].clearUnappliedChanges() }
        }
        // VmHWM: this process's own high-water mark (ru_maxrss would include the parent's
        // RSS, inherited through vfork+exec); VmRSS: what the agent holds between syncs.
        print(startupPeak, Self.statusField("VmRSS") ?? 0, Self.statusField("VmHWM") ?? 0)
    }

    /// A field of /proc/self/status in KiB.
    static func statusField(_ name: String) -> Int? {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix(name + ":") }?
            .split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }
}

/// `kpx-bench generate`: writes a generated cluster as YAML manifests and kube-proxy's restore text.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write a seeded synthetic cluster as YAML and as kube-proxy's restore text.")

    @Option(help: "Number of services.") var services: Int
    @Option var seed: UInt64 = 42
    @Option(help: "YAML manifest output file.") var yaml: String?
    @Option(help: "kube-proxy full-sync restore text output file.") var kubeProxy: String?
    @Option(help: "Directory for the kubectl-style cluster.yaml and cluster.json (as the real-path scenarios read them).") var kubectl: String?

    func run() throws {
        let cluster = ClusterGenerator(seed: seed).cluster(services: services)
        if let yaml {
            try ManifestYAML.write(cluster, to: yaml)
        }
        if let kubectl {
            let objects = RealPathInputs.objects(cluster)
            try Data(YAMLText.list(objects).utf8).write(to: URL(fileURLWithPath: kubectl + "/cluster.yaml"))
            try APIObjectJSON.list(objects).write(to: URL(fileURLWithPath: kubectl + "/cluster.json"))
        }
        if let kubeProxy {
            let desired = DesiredState.compute(cluster.state, settings: ClusterGenerator.settings)
            try KubeProxyTextWriter().render(desired).write(toFile: kubeProxy, atomically: false, encoding: .utf8)
        }
        print("node flags: \(BenchFlags.node.joined(separator: " "))")
    }
}
