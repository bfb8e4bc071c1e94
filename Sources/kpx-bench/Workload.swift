import Foundation
import Reconciler
import ReconcilerTesting

/// Everything one size needs, computed before any timing: the cluster, its desired state, the
/// changes, and kube-proxy's restore inputs written to files.
struct Workload {
    let n: Int
    let generator: ClusterGenerator
    let base: GeneratedCluster
    let settings: ProxySettings
    let desired: Ruleset
    let changes: [ChangeSet]
    let dir: String
    /// kube-proxy's full-sync input.
    let kubeProxyFull: String
    /// iptables-save form of the whole desired state (input for a flushing restore).
    let saveFull: String
    /// kube-proxy's EnsureChain/EnsureRule step: built-in chains with their jump rules, fixed
    /// kube chains declared empty (restored with flush before a full sync into an "empty" table).
    let prelude: String

    init(n: Int, seed: UInt64, changeCounts: [Int], dir: String) throws {
        self.n = n
        self.dir = dir
        generator = ClusterGenerator(seed: seed)
        base = generator.cluster(services: n)
        settings = ClusterGenerator.settings
        desired = DesiredState.compute(base.state, settings: settings)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        kubeProxyFull = dir + "/kube-proxy-full.iptables"
        try KubeProxyTextWriter().render(desired).write(toFile: kubeProxyFull, atomically: false, encoding: .utf8)
        saveFull = dir + "/save-full.iptables"
        try SaveRenderer.render(desired).write(toFile: saveFull, atomically: false, encoding: .utf8)
        prelude = dir + "/prelude.iptables"
        try SaveRenderer.render(Workload.preludeRuleset(desired)).write(toFile: prelude, atomically: false, encoding: .utf8)
        var sets: [ChangeSet] = []
        for k in changeCounts {
            sets.append(try ChangeSet(k: k, workload: (generator, base, settings, desired), dir: dir))
        }
        changes = sets
    }

    static func preludeRuleset(_ desired: Ruleset) -> Ruleset {
        var r = desired
        for t in r.tables.indices {
            r.tables[t].chains = r.tables[t].chains.compactMap { c in
                if c.isBuiltin { return c }
                if KubeChains.isServiceChain(c.name) { return nil }
                var empty = c
                empty.rules = []
                return empty
            }
        }
        return r
    }
}

/// `k` changed services: the target state, watch events both ways, and kube-proxy's partial-sync
/// inputs both ways (runs alternate A->B and B->A, each a k-service change).
struct ChangeSet {
    let k: Int
    let target: GeneratedCluster
    let desiredTarget: Ruleset
    let forward: [ClusterChange]
    let backward: [ClusterChange]
    let kubeProxyForward: String
    let kubeProxyBackward: String

    init(k: Int, workload w: (ClusterGenerator, GeneratedCluster, ProxySettings, Ruleset), dir: String) throws {
        let (generator, base, settings, desired) = w
        self.k = k
        let kinds: [ChangeKind] = k == 1 ? [.endpointReplaced] : ChangeKind.allCases
        (target, forward) = generator.changing(base, count: k, kinds: kinds)
        backward = ClusterChange.reversing(forward, base: base)
        desiredTarget = DesiredState.compute(target.state, settings: settings)
        let affected = Set(forward.map(\.serviceKey))
        kubeProxyForward = dir + "/kube-proxy-partial-\(k)-forward.iptables"
        kubeProxyBackward = dir + "/kube-proxy-partial-\(k)-backward.iptables"
        try ChangeSet.partialText(from: desired, to: desiredTarget, toCluster: target, affected: affected, settings: settings)
            .write(toFile: kubeProxyForward, atomically: false, encoding: .utf8)
        try ChangeSet.partialText(from: desiredTarget, to: desired, toCluster: base, affected: affected, settings: settings)
            .write(toFile: kubeProxyBackward, atomically: false, encoding: .utf8)
    }

    /// kube-proxy's MinimizeIPTablesRestore input: every chain of the changed services, all fixed
    /// chains in full, and `-X` for service chains that disappeared.
    static func partialText(from: Ruleset, to: Ruleset, toCluster: GeneratedCluster, affected: Set<String>,
                            settings: ProxySettings) -> String {
        let only = GeneratedCluster(
            services: toCluster.services.filter { affected.contains("\($0.metadata.namespace!)/\($0.metadata.name!)") },
            slices: toCluster.slices.filter { affected.contains("\($0.metadata.namespace!)/\($0.metadata.labels![EndpointSlice.serviceNameLabel]!)") })
        let chains = Set(serviceChains(DesiredState.compute(only.state, settings: settings)))
        let stale = Set(serviceChains(from)).subtracting(serviceChains(to)).sorted()
        return KubeProxyTextWriter().render(to, deletedChains: [.nat: stale], onlyServiceChains: chains)
    }

    static func serviceChains(_ r: Ruleset) -> [String] {
        (r[table: .nat]?.chains ?? []).map(\.name).filter(KubeChains.isServiceChain)
    }
}

extension ClusterChange {
    /// `namespace/service` the event belongs to.
    var serviceKey: String {
        switch self {
        case .upsertService(let s): return "\(s.metadata.namespace!)/\(s.metadata.name!)"
        case .deleteService(let ns, let name): return "\(ns)/\(name)"
        case .upsertSlice(let s): return "\(s.metadata.namespace!)/\(s.metadata.labels![EndpointSlice.serviceNameLabel]!)"
        case .deleteSlice(let ns, let name):
            // Generated slices are named "<service>-x<n>".
            return "\(ns)/\(name.split(separator: "-").dropLast().joined(separator: "-"))"
        }
    }
}
