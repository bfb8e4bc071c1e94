/// What one service contributes to the ruleset: rules appended to the shared kube chains
/// (filter and nat KUBE-SERVICES, KUBE-NODEPORTS, ...) and its own nat chains (SVC/SVL/EXT/FW/SEP).
public struct ServiceFragment: Hashable, Sendable {
    /// filter chain name -> rules, in written order.
    public var filter: [String: [Rule]] = [:]
    /// nat shared chain name -> rules, in written order.
    public var nat: [String: [Rule]] = [:]
    /// The service's own nat chains, in declaration order.
    public var chains: [Chain] = []
    /// Endpoints counted toward large-cluster mode.
    public var endpointCount = 0

    public init() {}

    mutating func addFilter(_ chain: String, _ rule: Rule) { filter[chain, default: []].append(rule) }
    mutating func addNAT(_ chain: String, _ rule: Rule) { nat[chain, default: []].append(rule) }

    /// Appends `rules` to the own chain `name`, creating it (declared in first-use order).
    mutating func addToChain(_ name: String, _ rules: [Rule]) {
        if let i = chains.firstIndex(where: { $0.name == name }) {
            chains[i].rules += rules
        } else {
            chains.append(Chain(name: name, rules: rules))
        }
    }
}

/// Settings derived once per computation.
struct GenerationContext: Hashable, Sendable {
    var settings: ProxySettings
    var largeClusterMode: Bool
    var nodePortAddresses: NodePortAddresses
    /// `--iptables-localhost-nodeports` after kube-proxy's checks (IPv4, loopback in nodePortAddresses).
    var localhostNodePorts: Bool

    init(settings: ProxySettings, largeClusterMode: Bool) {
        self.settings = settings
        self.largeClusterMode = largeClusterMode
        self.nodePortAddresses = NodePortAddresses(settings.nodePortAddresses, family: settings.ipFamily,
                                                   primaryNodeIP: settings.primaryNodeIP)
        self.localhostNodePorts = settings.localhostNodePorts && settings.ipFamily == .ipv4
            && nodePortAddresses.containsIPv4Loopback
    }

    var masqMark: UInt32 { settings.masqueradeMark }

    /// The per-endpoint comment, dropped in large-cluster mode.
    func endpointComment(_ text: String) -> String? { largeClusterMode ? nil : text }
}
