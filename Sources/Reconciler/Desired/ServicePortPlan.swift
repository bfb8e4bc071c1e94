/// The chain choices kube-proxy makes for one service port (syncProxyRules' local variables).
struct ServicePortPlan {
    let svc: ServicePortInfo
    let eps: CategorizedEndpoints
    let spn: String
    let clusterChain: String
    let localChain: String
    let internalChain: String
    let externalChain: String
    let hasInternalEndpoints: Bool
    let hasExternalEndpoints: Bool
    let externalPolicyChain: String
    let usesClusterChain: Bool
    let usesLocalChain: Bool
    let usesExternalChain: Bool
    let usesFWChain: Bool
    let loadBalancerChain: String
    let firewallChain: String
    /// The `KUBE-SEP-…` chain of each reachable endpoint, by endpoint string.
    let endpointChains: [String: String]
    /// Target and comment for filter rules when internal / external traffic has no endpoints.
    let internalFilter: (Target, String)?
    let externalFilter: (Target, String)?

    init(_ svc: ServicePortInfo, _ eps: CategorizedEndpoints, family: IPFamily) {
        self.svc = svc
        self.eps = eps
        spn = svc.nameString
        let (name, proto) = (svc.nameString, svc.protoLower)
        let hash = KubeChains.hash16(name + proto)
        clusterChain = "KUBE-SVC-" + hash
        localChain = "KUBE-SVL-" + hash
        externalChain = "KUBE-EXT-" + hash
        firewallChain = "KUBE-FW-" + hash
        endpointChains = Dictionary(eps.allReachable.map { ep in
            let text = ep.string
            return (text, KubeChains.endpoint(name, proto, text))
        }, uniquingKeysWith: { a, _ in a })
        let has = eps.hasAnyEndpoints
        usesClusterChain = !eps.cluster.isEmpty && svc.usesClusterEndpoints
        usesLocalChain = !eps.local.isEmpty && svc.usesLocalEndpoints
        internalChain = svc.internalPolicyLocal ? localChain : clusterChain
        hasInternalEndpoints = has && !(svc.internalPolicyLocal && eps.local.isEmpty)
        externalPolicyChain = svc.externalPolicyLocal ? localChain : clusterChain
        hasExternalEndpoints = has && !(svc.externalPolicyLocal && eps.local.isEmpty)
        usesExternalChain = has && svc.externallyAccessible
        usesFWChain = has && !svc.loadBalancerVIPs.isEmpty && !svc.loadBalancerSourceRanges.isEmpty
        loadBalancerChain = usesFWChain ? firewallChain : externalChain
        if !has {
            internalFilter = (.reject(RejectTarget(with: family == .ipv4 ? "icmp-port-unreachable" : "icmp6-port-unreachable")),
                              "\(spn) has no endpoints")
            externalFilter = internalFilter
        } else {
            internalFilter = hasInternalEndpoints ? nil : (.drop, "\(spn) has no local endpoints")
            externalFilter = hasExternalEndpoints ? nil : (.drop, "\(spn) has no local endpoints")
        }
    }

    /// The `KUBE-SEP-…` chain of `ep`.
    func endpointChain(_ ep: EndpointInfo) -> String {
        endpointChains[ep.string] ?? ep.chainName(for: svc.name)
    }
}
