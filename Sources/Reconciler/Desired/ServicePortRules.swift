/// Generates the rules of one service port, in the order kube-proxy's syncProxyRules writes them.
struct ServicePortRules {
    let ctx: GenerationContext
    let plan: ServicePortPlan
    var out: ServiceFragment

    var svc: ServicePortInfo { plan.svc }
    var proto: L4Protocol { svc.name.proto }
    var spn: String { plan.spn }

    /// Appends the port's rules and chains to `fragment`.
    static func generate(_ svc: ServicePortInfo, endpoints: [EndpointInfo], ctx: GenerationContext,
                         into fragment: inout ServiceFragment) {
        let cat = EndpointCategorizer.categorize(endpoints, svc, settings: ctx.settings)
        var gen = ServicePortRules(ctx: ctx, plan: ServicePortPlan(svc, cat, family: ctx.settings.ipFamily), out: fragment)
        gen.out.endpointCount += endpoints.count
        gen.clusterIPRules()
        gen.externalIPRules()
        gen.loadBalancerRules()
        gen.nodePortRules()
        gen.healthCheckRule()
        gen.internalMasqueradeRule()
        gen.externalChainRules()
        gen.firewallChainRules()
        gen.policyChains()
        gen.endpointChains()
        fragment = gen.out
    }

    mutating func clusterIPRules() {
        if plan.hasInternalEndpoints {
            out.addNAT(KubeChains.services, Shapes.portRule(comment: "\(spn) cluster IP", proto, dst: svc.clusterIP,
                                                            dport: svc.port, target: .jump(plan.internalChain)))
        } else if let (t, c) = plan.internalFilter {
            out.addFilter(KubeChains.services, Shapes.portRule(comment: c, proto, dst: svc.clusterIP, dport: svc.port, target: t))
        }
    }

    mutating func externalIPRules() {
        for ip in svc.externalIPs {
            if plan.eps.hasAnyEndpoints {
                out.addNAT(KubeChains.services, Shapes.portRule(comment: "\(spn) external IP", proto, dst: ip,
                                                                dport: svc.port, target: .jump(plan.externalChain)))
            }
            if let (t, c) = plan.externalFilter {
                out.addFilter(KubeChains.externalServices, Shapes.portRule(comment: c, proto, dst: ip, dport: svc.port, target: t))
            }
        }
    }

    mutating func loadBalancerRules() {
        for ip in svc.loadBalancerVIPs {
            if plan.eps.hasAnyEndpoints {
                out.addNAT(KubeChains.services, Shapes.portRule(comment: "\(spn) loadbalancer IP", proto, dst: ip,
                                                                dport: svc.port, target: .jump(plan.loadBalancerChain)))
            }
            if plan.usesFWChain {
                out.addFilter(KubeChains.proxyFirewall, Shapes.portRule(
                    comment: "\(spn) traffic not accepted by \(plan.firewallChain)", proto, dst: ip, dport: svc.port, target: .drop))
            }
        }
        guard let (t, c) = plan.externalFilter else { return }
        for ip in svc.loadBalancerVIPs {
            out.addFilter(KubeChains.externalServices, Shapes.portRule(comment: c, proto, dst: ip, dport: svc.port, target: t))
        }
    }

    mutating func nodePortRules() {
        guard svc.nodePort != 0 else { return }
        if plan.eps.hasAnyEndpoints {
            if ctx.localhostNodePorts && ctx.settings.nfacct {
                out.addNAT(KubeChains.nodePorts, Shapes.portRule(
                    comment: spn, proto, dst: nil, dport: svc.nodePort,
                    extra: [Shapes.nfacct(ProxySettings.localhostNodePortCounter)], target: .jump(plan.externalChain))
                    .with(destination: AddressMatch(CIDR("127.0.0.0/8")!)))
            }
            out.addNAT(KubeChains.nodePorts, Shapes.portRule(comment: spn, proto, dport: svc.nodePort, target: .jump(plan.externalChain)))
        }
        if let (t, c) = plan.externalFilter {
            var r = Shapes.rule(comment: c, [Shapes.addrtypeLocal(source: false), Shapes.portMatch(proto, dport: svc.nodePort)], target: t)
            r.proto = Shapes.protocolMatch(proto)
            out.addFilter(KubeChains.externalServices, r)
        }
    }

    mutating func healthCheckRule() {
        guard svc.healthCheckNodePort != 0 else { return }
        out.addFilter(KubeChains.nodePorts, Shapes.portRule(comment: "\(spn) health check node port", .tcp,
                                                            dport: svc.healthCheckNodePort, target: .accept))
    }

    /// First rule of the internal policy chain: masquerade off-cluster (or all) traffic to the cluster IP.
    mutating func internalMasqueradeRule() {
        guard plan.hasInternalEndpoints else { return }
        let base = Shapes.portRule(comment: "\(spn) cluster IP", proto, dst: svc.clusterIP, dport: svc.port,
                                   target: .jump(KubeChains.markMasq))
        if ctx.settings.masqueradeAll {
            out.addToChain(plan.internalChain, [base])
        } else if ctx.settings.localDetector.isImplemented {
            out.addToChain(plan.internalChain, [Shapes.detect(base, ctx.settings.localDetector, local: false)])
        }
    }
}

extension Rule {
    func with(destination: AddressMatch) -> Rule {
        var r = self
        r.destination = destination
        return r
    }
}
