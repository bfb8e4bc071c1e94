/// The service port's own nat chains: KUBE-EXT, KUBE-FW, KUBE-SVC/SVL and KUBE-SEP.
extension ServicePortRules {
    mutating func externalChainRules() {
        guard plan.usesExternalChain else { return }
        var rules: [Rule] = []
        let masq = Target.jump(KubeChains.markMasq)
        if !svc.externalPolicyLocal {
            rules.append(Shapes.rule(comment: "masquerade traffic for \(spn) external destinations", target: masq))
        } else {
            if ctx.settings.localDetector.isImplemented {
                rules.append(Shapes.detect(Shapes.rule(comment: "pod traffic for \(spn) external destinations",
                                                       target: .jump(plan.clusterChain)),
                                           ctx.settings.localDetector, local: true))
            }
            rules.append(Shapes.rule(comment: "masquerade LOCAL traffic for \(spn) external destinations",
                                     [Shapes.addrtypeLocal(source: true)], target: masq))
            rules.append(Shapes.rule(comment: "route LOCAL traffic for \(spn) external destinations",
                                     [Shapes.addrtypeLocal(source: true)], target: .jump(plan.clusterChain)))
        }
        if plan.hasExternalEndpoints {
            rules.append(Rule(target: .jump(plan.externalPolicyChain)))
        }
        out.addToChain(plan.externalChain, rules)
    }

    mutating func firewallChainRules() {
        guard plan.usesFWChain else { return }
        let comment = "\(spn) loadbalancer IP"
        var rules: [Rule] = []
        var allowFromNode = false
        for cidr in svc.loadBalancerSourceRanges {
            var r = Shapes.rule(comment: comment, target: .jump(plan.externalChain))
            r.source = AddressMatch(cidr)
            rules.append(r)
            if let node = ctx.settings.primaryNodeIP, cidr.contains(node) { allowFromNode = true }
        }
        if allowFromNode {
            for ip in svc.loadBalancerVIPs {
                var r = Shapes.rule(comment: comment, target: .jump(plan.externalChain))
                r.source = Shapes.host(ip)
                rules.append(r)
            }
        }
        rules.append(Shapes.rule(comment: "other traffic to \(spn) will be dropped by KUBE-PROXY-FIREWALL", target: nil))
        out.addToChain(plan.firewallChain, rules)
    }

    mutating func policyChains() {
        if plan.usesClusterChain {
            out.addToChain(plan.clusterChain, dispatchRules(plan.eps.cluster))
        }
        if plan.usesLocalChain {
            out.addToChain(plan.localChain, dispatchRules(plan.eps.local))
        }
    }

    /// writeServiceToEndpointRules: affinity checks first, then one random-split jump per endpoint.
    func dispatchRules(_ endpoints: [EndpointInfo]) -> [Rule] {
        var rules: [Rule] = []
        if let timeout = svc.affinityTimeout {
            for ep in endpoints {
                let sep = plan.endpointChain(ep)
                let recent = RecentMatch(command: .rcheck, name: sep, seconds: UInt32(timeout), reap: true)
                rules.append(Shapes.rule(comment: ctx.endpointComment("\(spn) -> \(ep.string)"),
                                         [.recent(recent)], target: .jump(sep)))
            }
        }
        let n = endpoints.count
        for (i, ep) in endpoints.enumerated() {
            let stat: [Match] = i < n - 1 ? [.statistic(.random(1.0 / Double(n - i)))] : []
            rules.append(Shapes.rule(comment: ctx.endpointComment("\(spn) -> \(ep.string)"), stat,
                                     target: .jump(plan.endpointChain(ep))))
        }
        return rules
    }

    mutating func endpointChains() {
        for ep in plan.eps.allReachable {
            let sep = plan.endpointChain(ep)
            let comment = ctx.endpointComment(spn)
            var hairpin = Shapes.rule(comment: comment, target: .jump(KubeChains.markMasq))
            hairpin.source = Shapes.host(ep.ip)
            var m: [Match] = comment.map { [.comment($0)] } ?? []
            if svc.affinityTimeout != nil { m.append(.recent(RecentMatch(command: .set, name: sep))) }
            m.append(Shapes.portMatch(proto, dport: nil))
            let dnat = Rule(proto: Shapes.protocolMatch(proto), matches: m,
                            target: .dnat(.to(ep.ip, port: UInt16(ep.port))))
            out.addToChain(sep, [hairpin, dnat])
        }
    }
}
