import Foundation
import Reconciler
import Yams

/// Reads a `KubeProxyConfiguration` file (kube-proxy's `--config`).
public enum ProxyConfigLoader {
    public struct LoadError: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    public static func load(path: String) throws -> KubeProxyConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LoadError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    /// The configuration and a warning per unknown field (kube-proxy warns and goes on).
    public static func loadWithWarnings(path: String) throws -> (config: KubeProxyConfiguration, warnings: [String]) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LoadError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        return (try parse(text, path: path), ConfigSchema.unknownFields(text).map { "\(path): \($0)" })
    }

    public static func parse(_ text: String, path: String) throws -> KubeProxyConfiguration {
        let config: KubeProxyConfiguration
        do { config = try YAMLDecoder().decode(KubeProxyConfiguration.self, from: text) } catch {
            throw LoadError(path: path, message: "not a KubeProxyConfiguration: \(ManifestLoader.describe(error))")
        }
        guard config.kind == "KubeProxyConfiguration" else {
            throw LoadError(path: path, message: "kind is \(config.kind ?? "missing"), want KubeProxyConfiguration")
        }
        guard let api = config.apiVersion, api.hasPrefix("kubeproxy.config.k8s.io/") else {
            throw LoadError(path: path, message: "apiVersion \(config.apiVersion ?? "missing") is not kubeproxy.config.k8s.io/*")
        }
        if let mode = config.mode, !mode.isEmpty, mode != "iptables" {
            throw LoadError(path: path, message: "mode \(mode): only the iptables mode is reproduced")
        }
        return config
    }
}
