import ClusterSource
import Foundation
import Reconciler
import Testing
import Yams

/// deploy/daemonset.yaml, checked offline (issue 18): the objects kubeadm's kube-proxy has, a
/// kubeconfig that points at the control-plane endpoint (not the in-cluster Service address), a
/// KubeProxyConfiguration the agent reads without unknown fields, node-proxier RBAC, probes.
@Suite struct DeployManifestTests {
    static func documents() throws -> [[String: Any]] {
        let text = try String(contentsOfFile: Repo.path("deploy/daemonset.yaml"), encoding: .utf8)
        return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
    }

    @Test func objectsLikeKubeadms() throws {
        let docs = try Self.documents()
        #expect(docs.compactMap { $0["kind"] as? String } == ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet"])
        let role = try #require(docs.first { $0["kind"] as? String == "ClusterRole" })
        let rules = (role["rules"] as? [[String: Any]]) ?? []
        func verbs(_ resource: String) -> Set<String> {
            Set(rules.filter { ($0["resources"] as? [String])?.contains(resource) == true }.flatMap { $0["verbs"] as? [String] ?? [] })
        }
        #expect(verbs("services").isSuperset(of: ["list", "watch"]) && verbs("endpointslices").isSuperset(of: ["list", "watch"]))
        #expect(verbs("nodes").isSuperset(of: ["get", "list", "watch"]) && verbs("events").contains("create"))
    }

    @Test func configAndKubeconfig() throws {
        let docs = try Self.documents()
        let data = try #require(docs.first { $0["kind"] as? String == "ConfigMap" }?["data"] as? [String: String])
        let kubeconfig = try #require(data["kubeconfig.conf"])
        #expect(kubeconfig.contains("server: CONTROL_PLANE_ENDPOINT") && !kubeconfig.contains("KUBERNETES_SERVICE_HOST"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-deploy-\(getpid()).conf").path
        try data["config.conf"]!.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = try ProxyConfigLoader.load(path: path)
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        #expect(loaded.rules.mode == "iptables")
    }

    @Test func daemonSetRunsTheAgentOnTheHostNetworkWithProbes() throws {
        let ds = try #require(try Self.documents().first { $0["kind"] as? String == "DaemonSet" })
        let spec = ((ds["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any] ?? [:]
        #expect(spec["hostNetwork"] as? Bool == true && spec["priorityClassName"] as? String == "system-node-critical")
        let container = try #require((spec["containers"] as? [[String: Any]])?.first)
        #expect((container["args"] as? [String])?.first == "agent")
        #expect(container["livenessProbe"] != nil && container["readinessProbe"] != nil && container["resources"] != nil)
        let strategy = (ds["spec"] as? [String: Any])?["updateStrategy"] as? [String: Any]
        #expect(strategy?["type"] as? String == "RollingUpdate")
    }
}
