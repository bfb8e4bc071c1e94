import ClusterSource
import Foundation
import Reconciler
import ReconcilerTesting

/// The paths a user runs (issue 13): manifest bytes to model values, the CLI's cold apply from a
/// YAML manifest, and the real agent on the API path (start-up, network-programming latency,
/// CPU under a steady stream of changes), each beside kube-proxy's figures of the same run.
extension Runner {
    func realPathScenarios() throws {
        let inputs = try RealPathInputs(w)
        if wants("decode-yaml") { try decode("decode-yaml", "YAML manifest bytes → model (kubectl -o yaml List)", inputs.yaml) }
        if wants("decode-json") { try decode("decode-json", "JSON manifest bytes → model (kubectl -o json List)", inputs.json) }
        if wants("cli-cold-yaml") { try cliColdApply(inputs.yamlPath) }
        if wants("agent-startup-api") || wants("npl-1") || wants("npl-burst-100") { try agentOnTheAPIPath(inputs) }
    }

    func decode(_ id: String, _ title: String, _ bytes: Data) throws {
        let samples = try repeating(config.reps) { _ in
            let (loaded, s) = measure { ManifestLoader.parse(bytes, source: id) }
            guard loaded.issues.isEmpty, loaded.services.count == w.base.services.count, loaded.slices.count == w.base.slices.count else {
                throw BenchError("\(id): \(loaded.services.count) services, \(loaded.slices.count) slices, issues \(loaded.issues.prefix(3))")
            }
            var sample = s
            sample.extra["megabytes"] = Double(bytes.count) / 1e6
            return sample
        }
        record(ScenarioResult(id: id, title: title, n: w.n, samples: samples, verified: true))
    }

    /// `kpx-reconcile --services FILE.yaml` into an empty namespace: the binary, start to exit.
    func cliColdApply(_ path: String) throws {
        let samples = try repeating(config.reps) { _ in
            let ns = try namespaces.make()
            defer { namespaces.remove(ns) }
            let r = try ChildProcess.inNamespace(ns, [AgentProcess.binary, "--services", path] + BenchFlags.node)
            try verify(ns, w.desired, "CLI cold apply")
            return r.sample
        }
        record(ScenarioResult(id: "cli-cold-yaml", title: "kpx-reconcile --services FILE.yaml: cold apply from the manifest (process start to exit)",
                              n: w.n, samples: samples, verified: true))
    }
}

/// The workload's objects as kubectl and the API server show them, written once per size.
struct RealPathInputs {
    let yamlPath: String
    let yaml: Data
    let json: Data
    let services: [(String, Data)]
    let slices: [(String, Data)]

    /// The cluster's Services then EndpointSlices as API objects.
    static func objects(_ cluster: GeneratedCluster) -> [[String: Any]] {
        cluster.services.map { APIObjectJSON.object($0, kind: "Service", apiVersion: "v1", resourceVersion: 500) }
            + cluster.slices.map { APIObjectJSON.object($0, kind: "EndpointSlice", apiVersion: "discovery.k8s.io/v1", resourceVersion: 500) }
    }

    init(_ w: Workload) throws {
        let all = Self.objects(w.base)
        let services = Array(all[..<w.base.services.count]), slices = Array(all[w.base.services.count...])
        json = APIObjectJSON.list(all)
        yaml = Data(YAMLText.list(all).utf8)
        yamlPath = w.dir + "/cluster.yaml"
        try yaml.write(to: URL(fileURLWithPath: yamlPath))
        try json.write(to: URL(fileURLWithPath: w.dir + "/cluster.json"))
        self.services = Self.keyed(services)
        self.slices = Self.keyed(slices)
    }

    /// API objects keyed `namespace/name`, serialized as the API server sends them.
    static func keyed(_ objects: [[String: Any]]) -> [(String, Data)] {
        objects.map { o in
            let meta = o["metadata"] as? [String: Any] ?? [:]
            return ("\(meta["namespace"] as? String ?? "")/\(meta["name"] as? String ?? "")", APIObjectJSON.data(o))
        }
    }

    /// `cluster`'s Services and EndpointSlices keyed for the API server (no files written).
    static func served(_ cluster: GeneratedCluster) -> (services: [(String, Data)], slices: [(String, Data)]) {
        let all = objects(cluster)
        return (keyed(Array(all[..<cluster.services.count])), keyed(Array(all[cluster.services.count...])))
    }

    static let node = APIObjectJSON.data([
        "kind": "Node", "apiVersion": "v1", "metadata": ["name": ClusterGenerator.settings.nodeName, "resourceVersion": "1"],
        "status": ["addresses": [["type": "InternalIP", "address": ClusterGenerator.nodeIP]]],
    ] as [String: Any])
}

/// The kpx-reconcile flags that give `ClusterGenerator.settings` (the settings every scenario's
/// desired state is computed with).
enum BenchFlags {
    static let node = ["--hostname-override", ClusterGenerator.nodeName, "--node-ip", ClusterGenerator.nodeIP,
                       "--cluster-cidr", ClusterGenerator.clusterCIDR, "--random-fully", "false", "--nfacct", "false"]
}
