/// Computes the iptables ruleset kube-proxy's iptables mode would program for one node and IP family.
public enum DesiredState {
    /// The filter chains kube-proxy fills in, in its declaration order.
    public static let filterChains = [KubeChains.services, KubeChains.externalServices, KubeChains.forward,
                                      KubeChains.nodePorts, KubeChains.proxyFirewall, KubeChains.kubeletFirewall]
    /// The fixed nat chains, in kube-proxy's declaration order.
    public static let natChains = [KubeChains.services, KubeChains.nodePorts, KubeChains.postrouting, KubeChains.markMasq]

    /// The full desired ruleset (filter and nat) for `state` under `settings`. Pure.
    public static func compute(_ state: ClusterState, settings: ProxySettings) -> Ruleset {
        let ports = state.servicePorts(settings: settings)
        let total = ports.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.1.count } }
        let ctx = GenerationContext(settings: settings,
                                    largeClusterMode: total > settings.largeClusterEndpointsThreshold)
        var fragments: [ServiceName: ServiceFragment] = [:]
        for (name, list) in ports { fragments[name] = fragment(list, ctx: ctx) }
        return assemble(fragments, ctx: ctx)
    }

    /// The rules and chains of one service's ports.
    static func fragment(_ ports: [(ServicePortInfo, [EndpointInfo])], ctx: GenerationContext) -> ServiceFragment {
        var f = ServiceFragment()
        for (svc, eps) in ports { ServicePortRules.generate(svc, endpoints: eps, ctx: ctx, into: &f) }
        return f
    }

    /// Puts fixed rules and per-service fragments (in service-name order) together.
    static func assemble(_ fragments: [ServiceName: ServiceFragment], ctx: GenerationContext) -> Ruleset {
        assemble(ordered: fragments.sorted { $0.key < $1.key }.map(\.value), ctx: ctx)
    }

    /// Puts fixed rules and per-service fragments (already in service-name order) together.
    static func assemble(ordered: [ServiceFragment], ctx: GenerationContext) -> Ruleset {
        func shared(_ table: KeyPath<ServiceFragment, [String: [Rule]]>, _ chain: String) -> [Rule] {
            ordered.flatMap { $0[keyPath: table][chain] ?? [] }
        }
        var filter = Table(name: .filter, chains: FixedRules.builtinChains(.filter))
        for name in filterChains {
            var rules = shared(\.filter, name)
            if name == KubeChains.forward { rules = FixedRules.forward(ctx) }
            if name == KubeChains.kubeletFirewall { rules = FixedRules.kubeletFirewall(ctx) }
            filter.chains.append(Chain(name: name, rules: rules))
        }
        var nat = Table(name: .nat, chains: FixedRules.builtinChains(.nat))
        nat.chains.append(Chain(name: KubeChains.services, rules: shared(\.nat, KubeChains.services) + FixedRules.nodePortsTail(ctx)))
        nat.chains.append(Chain(name: KubeChains.nodePorts, rules: shared(\.nat, KubeChains.nodePorts)))
        nat.chains.append(Chain(name: KubeChains.postrouting, rules: FixedRules.postrouting(ctx)))
        nat.chains.append(Chain(name: KubeChains.markMasq, rules: FixedRules.markMasq(ctx)))
        nat.chains += ordered.flatMap(\.chains)
        return Ruleset(family: ctx.settings.ipFamily, tables: [filter, nat])
    }
}
