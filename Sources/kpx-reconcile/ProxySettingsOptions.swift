import ArgumentParser
import ClusterSource
import Foundation
import Reconciler

/// kube-proxy's settings under kube-proxy's own flag names (booleans as `--name=true|false`),
/// plus what kube-proxy detects at run time as explicit flags. As in kube-proxy, `--config` wins
/// over the flags of the same settings (except `--hostname-override`); unknown fields warn.
struct ProxySettingsOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "A KubeProxyConfiguration file (kubeproxy.config.k8s.io/v1alpha1).")
    var config: String?

    @Option(name: .customLong("hostname-override"), help: "The node name (endpoints with this nodeName are local).")
    var hostnameOverride: String?

    @Option(name: .customLong("cluster-cidr"), help: "Pod CIDRs (repeatable or comma-separated).")
    var clusterCIDR: [String] = []

    @Option(name: .customLong("detect-local-mode"), help: "ClusterCIDR | NodeCIDR | BridgeInterface | InterfaceNamePrefix.")
    var detectLocalMode: String?

    @Option(name: .customLong("pod-bridge-interface"), help: "Bridge for --detect-local-mode=BridgeInterface.")
    var podBridgeInterface: String?

    @Option(name: .customLong("pod-interface-name-prefix"), help: "Prefix for --detect-local-mode=InterfaceNamePrefix.")
    var podInterfaceNamePrefix: String?

    @Option(name: .customLong("pod-cidr"), help: "The node's pod CIDRs, for --detect-local-mode=NodeCIDR (repeatable).")
    var podCIDR: [String] = []

    @Option(name: .customLong("masquerade-all"), help: "true|false (default false).")
    var masqueradeAll: Bool?

    @Option(name: .customLong("iptables-masquerade-bit"), help: "Mark bit for SNAT (default 14).")
    var masqueradeBit: Int?

    @Option(name: .customLong("nodeport-addresses"), help: "CIDRs or 'primary' NodePorts listen on (repeatable or comma-separated).")
    var nodePortAddresses: [String] = []

    @Option(name: .customLong("iptables-localhost-nodeports"), help: "true|false (default true).")
    var localhostNodePorts: Bool?

    @Option(name: .customLong("node-ip"), help: "A local address of the node (repeatable; the first of the family is the node IP).")
    var nodeIP: [String] = []

    @Option(name: .customLong("ip-family"), help: "ipv4 | ipv6: proxy one family (default: every family the node has an address of, --node-ip; IPv4 without one).")
    var ipFamily: String?

    @Option(name: .customLong("random-fully"), help: "iptables supports --random-fully: true|false (default true).")
    var randomFully: Bool?

    @Option(name: .customLong("nfacct"), help: "kube-proxy's nfacct counters exist: true|false (default true).")
    var nfacct: Bool?

    @Option(name: .customLong("conntrack-tcp-be-liberal"), help: "nf_conntrack_tcp_be_liberal is set: true|false (default false).")
    var conntrackTCPLiberal: Bool?

    @Option(name: .customLong("topology-zone"), help: "The node's topology.kubernetes.io/zone label, for topology hints.")
    var topologyZone: String?

    /// The flags that were given, as a settings input.
    var flagInput: ProxySettingsInput {
        var i = ProxySettingsInput()
        i.hostnameOverride = hostnameOverride
        i.clusterCIDRs = clusterCIDR.isEmpty ? nil : clusterCIDR
        i.detectLocalMode = detectLocalMode
        i.bridgeInterface = podBridgeInterface
        i.interfaceNamePrefix = podInterfaceNamePrefix
        i.podCIDRs = podCIDR.isEmpty ? nil : podCIDR
        i.masqueradeAll = masqueradeAll
        i.masqueradeBit = masqueradeBit
        i.nodePortAddresses = nodePortAddresses.isEmpty ? nil : nodePortAddresses.flatMap { $0.split(separator: ",").map(String.init) }
        i.localhostNodePorts = localhostNodePorts
        i.nodeIPs = nodeIP.isEmpty ? nil : nodeIP.flatMap { $0.split(separator: ",").map(String.init) }
        i.ipFamily = ipFamily
        i.randomFully = randomFully
        i.nfacct = nfacct
        i.conntrackTCPLiberal = conntrackTCPLiberal
        i.topologyZone = topologyZone
        return i
    }

    /// Reads `--config` (if any), applies the flags over it and validates: the primary family's settings.
    func settings() throws -> ProxySettings { try validated { try $0.resolve() } }

    /// The settings of every family the node proxies (`--ip-family`, or the node IPs' families).
    func families() throws -> NodeFamilies { try validated { try $0.resolveFamilies() } }

    /// `body` on the settings as given, a refused setting reported as a usage problem.
    private func validated<T>(_ body: (ProxySettingsInput) throws -> T) throws -> T {
        do { return try body(try input()) } catch let e as SettingsError {
            throw ValidationError(e.description)
        }
    }

    /// `--config`, read once (its unknown fields are warned about on stderr); nil without it.
    func configFile() throws -> ProxyConfigFile? {
        guard let config else { return nil }
        let loaded = try ProxyConfigLoader.load(path: config)
        for warning in loaded.warnings { FileHandle.standardError.write(Data("kpx-reconcile: warning: \(warning)\n".utf8)) }
        return loaded
    }

    /// The settings as given (`--config` and flags, kube-proxy's precedence), not yet validated.
    func input() throws -> ProxySettingsInput { input(file: try configFile()) }

    /// The settings from an already-read `--config` and the flags.
    func input(file: ProxyConfigFile?) -> ProxySettingsInput {
        guard let file else { return flagInput }
        return flagInput.underConfig(ProxySettingsInput(config: file.rules))
    }
}
