import Foundation
public import Reconciler
import Yams

/// kube-proxy's `--config` file as read once for the CLI and the agent: the fields that shape
/// the ruleset, the fields that drive the agent, and a warning per unknown field.
public struct ProxyConfigFile: Sendable {
    public var rules: KubeProxyConfiguration
    public var agent: AgentConfigFields
    /// One per unknown field (kube-proxy warns and goes on), prefixed by the path.
    public var warnings: [String]
}

/// Reads a `KubeProxyConfiguration` file (kube-proxy's `--config`): the one loader.
public enum ProxyConfigLoader {
    public struct LoadError: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public static func load(path: String) throws(LoadError) -> ProxyConfigFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LoadError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    /// Both views of the file; the kind, apiVersion and mode are checked.
    public static func parse(_ text: String, path: String) throws(LoadError) -> ProxyConfigFile {
        let rules: KubeProxyConfiguration, agent: AgentConfigFields
        do {
            let decoder = YAMLDecoder()
            rules = try decoder.decode(KubeProxyConfiguration.self, from: text)
            agent = try AgentConfigFields(decoder.decode(AgentConfigFields.Document.self, from: text))
        } catch let error as GoDuration.InvalidDuration {
            throw LoadError(path: path, message: error.description)
        } catch {
            throw LoadError(path: path, message: "not a KubeProxyConfiguration: \(ManifestLoader.describe(error))")
        }
        guard rules.kind == "KubeProxyConfiguration" else {
            throw LoadError(path: path, message: "kind is \(rules.kind ?? "missing"), want KubeProxyConfiguration")
        }
        guard let api = rules.apiVersion, api.hasPrefix("kubeproxy.config.k8s.io/") else {
            throw LoadError(path: path, message: "apiVersion \(rules.apiVersion ?? "missing") is not kubeproxy.config.k8s.io/*")
        }
        if let mode = rules.mode, !mode.isEmpty, mode != "iptables" {
            throw LoadError(path: path, message: "config mode \"\(mode)\": kpx-reconcile implements kube-proxy's iptables mode only (want \"iptables\" or empty)")
        }
        return ProxyConfigFile(rules: rules, agent: agent, warnings: ConfigSchema.unknownFields(text).map { "\(path): \($0)" })
    }
}
