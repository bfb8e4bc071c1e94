import Yams

/// The fields of `kubeproxy.config.k8s.io` KubeProxyConfiguration (v1alpha1 and v1alpha2), to
/// warn about unknown ones with their path as kube-proxy's strict decoding does (`masqueradeAl`).
enum ConfigSchema {
    indirect enum Field { case leaf, map([String: Field]), any }

    static let root: [String: Field] = [
        "apiVersion": .leaf, "kind": .leaf, "featureGates": .any, "clientConnection": .map([
            "kubeconfig": .leaf, "acceptContentTypes": .leaf, "contentType": .leaf, "qps": .leaf, "burst": .leaf]),
        "logging": .any, "hostnameOverride": .leaf, "bindAddress": .leaf, "healthzBindAddress": .leaf,
        "metricsBindAddress": .leaf, "bindAddressHardFail": .leaf, "enableProfiling": .leaf,
        "showHiddenMetricsForVersion": .leaf, "mode": .leaf,
        "iptables": .map(["masqueradeAll": .leaf, "masqueradeBit": .leaf, "localhostNodePorts": .leaf,
                          "syncPeriod": .leaf, "minSyncPeriod": .leaf]),
        "ipvs": .any, "nftables": .any, "winkernel": .any, "linux": .any,
        "detectLocalMode": .leaf, "detectLocal": .map(["bridgeInterface": .leaf, "interfaceNamePrefix": .leaf, "clusterCIDRs": .leaf]),
        "clusterCIDR": .leaf, "nodePortAddresses": .leaf, "oomScoreAdj": .leaf,
        "conntrack": .map(["maxPerCore": .leaf, "min": .leaf, "tcpEstablishedTimeout": .leaf, "tcpCloseWaitTimeout": .leaf,
                           "tcpBeLiberal": .leaf, "udpTimeout": .leaf, "udpStreamTimeout": .leaf]),
        "configSyncPeriod": .leaf, "portRange": .leaf, "udpIdleTimeout": .leaf,
        "syncPeriod": .leaf, "minSyncPeriod": .leaf,
    ]

    /// `unknown field "PATH"` for every key the schema does not know.
    static func unknownFields(_ text: String) -> [String] {
        guard let node = try? Yams.compose(yaml: text), let map = node.mapping else { return [] }
        return unknown(map, root, prefix: "")
    }

    private static func unknown(_ map: Node.Mapping, _ schema: [String: Field], prefix: String) -> [String] {
        var out: [String] = []
        for (key, value) in map {
            guard let name = key.string else { continue }
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            switch schema[name] {
            case nil: out.append("unknown field \"\(path)\"")
            case .map(let inner)?: if let m = value.mapping { out += unknown(m, inner, prefix: path) }
            default: break
            }
        }
        return out
    }
}
