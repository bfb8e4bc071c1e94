/// The rules kube-proxy writes regardless of services: masquerade machinery, KUBE-FORWARD,
/// the anti-martian KUBE-FIREWALL rule, the KUBE-NODEPORTS tail call, and the jump rules it
/// ensures in the built-in chains.
enum FixedRules {
    static func postrouting(_ ctx: GenerationContext) -> [Rule] {
        let m = ctx.masqMark
        return [
            Rule(matches: [.mark(MarkMatch(value: m, mask: m, negated: true))], target: .return),
            Rule(target: .mark(.xor(m))),
            Shapes.rule(comment: "kubernetes service traffic requiring SNAT",
                        target: .masquerade(MasqueradeTarget(randomFully: ctx.settings.randomFully))),
        ]
    }

    static func markMasq(_ ctx: GenerationContext) -> [Rule] { [Rule(target: .mark(.or(ctx.masqMark)))] }

    /// The KUBE-FIREWALL anti-martian rule (IPv4 with localhost NodePorts only).
    static func kubeletFirewall(_ ctx: GenerationContext) -> [Rule] {
        guard ctx.settings.ipFamily == .ipv4 && ctx.localhostNodePorts else { return [] }
        let loop = CIDR("127.0.0.0/8")!
        let ct = ConntrackMatch(states: [.related, .established, .dnat], statesNegated: true)
        return [Rule(source: AddressMatch(loop, negated: true), destination: AddressMatch(loop),
                     matches: [.comment("block incoming localnet connections"), .conntrack(ct)], target: .drop)]
    }

    static func forward(_ ctx: GenerationContext) -> [Rule] {
        var rules: [Rule] = []
        if !ctx.settings.conntrackTCPLiberal {
            var m: [Match] = [.conntrack(ConntrackMatch(states: .invalid))]
            if ctx.settings.nfacct { m.append(Shapes.nfacct(ProxySettings.ctStateInvalidCounter)) }
            rules.append(Rule(matches: m, target: .drop))
        }
        let mark = ctx.masqMark
        rules.append(Shapes.rule(comment: "kubernetes forwarding rules",
                                 [.mark(MarkMatch(value: mark, mask: mark))], target: .accept))
        rules.append(Shapes.rule(comment: "kubernetes forwarding conntrack rule",
                                 [.conntrack(ConntrackMatch(states: [.related, .established]))], target: .accept))
        return rules
    }

    static let nodePortsComment = "kubernetes service nodeports; NOTE: this must be the last rule in this chain"

    /// The last rules of nat KUBE-SERVICES: jump to KUBE-NODEPORTS for local destinations.
    static func nodePortsTail(_ ctx: GenerationContext) -> [Rule] {
        let target = Target.jump(KubeChains.nodePorts)
        if ctx.nodePortAddresses.matchAll {
            var r = Shapes.rule(comment: nodePortsComment, [Shapes.addrtypeLocal(source: false)], target: target)
            if ctx.settings.ipFamily == .ipv6 {
                r.destination = AddressMatch(CIDR("::1/128")!, negated: true)
            } else if !ctx.localhostNodePorts {
                r.destination = AddressMatch(CIDR("127.0.0.0/8")!, negated: true)
            }
            return [r]
        }
        let family = ctx.settings.ipFamily
        let ips = ctx.nodePortAddresses.nodeIPs(from: ctx.settings.nodeIPs.filter { $0.family == family })
        return ips.filter { !$0.isLoopback || (family == .ipv4 && ctx.localhostNodePorts) }.map { ip in
            var r = Shapes.rule(comment: nodePortsComment, target: target)
            r.destination = Shapes.host(ip)
            return r
        }
    }

    struct Jump {
        let table: TableName
        let from: String
        let to: String
        let comment: String?
        let newOnly: Bool
    }

    /// kube-proxy's iptablesJumpChains then kubelet's, as listed in proxier.go.
    static let jumps: [Jump] = [
        Jump(table: .filter, from: "INPUT", to: KubeChains.externalServices, comment: "kubernetes externally-visible service portals", newOnly: true),
        Jump(table: .filter, from: "FORWARD", to: KubeChains.externalServices, comment: "kubernetes externally-visible service portals", newOnly: true),
        Jump(table: .filter, from: "INPUT", to: KubeChains.nodePorts, comment: "kubernetes health check service ports", newOnly: false),
        Jump(table: .filter, from: "FORWARD", to: KubeChains.services, comment: "kubernetes service portals", newOnly: true),
        Jump(table: .filter, from: "OUTPUT", to: KubeChains.services, comment: "kubernetes service portals", newOnly: true),
        Jump(table: .filter, from: "FORWARD", to: KubeChains.forward, comment: "kubernetes forwarding rules", newOnly: false),
        Jump(table: .filter, from: "INPUT", to: KubeChains.proxyFirewall, comment: "kubernetes load balancer firewall", newOnly: true),
        Jump(table: .filter, from: "OUTPUT", to: KubeChains.proxyFirewall, comment: "kubernetes load balancer firewall", newOnly: true),
        Jump(table: .filter, from: "FORWARD", to: KubeChains.proxyFirewall, comment: "kubernetes load balancer firewall", newOnly: true),
        Jump(table: .nat, from: "OUTPUT", to: KubeChains.services, comment: "kubernetes service portals", newOnly: false),
        Jump(table: .nat, from: "PREROUTING", to: KubeChains.services, comment: "kubernetes service portals", newOnly: false),
        Jump(table: .nat, from: "POSTROUTING", to: KubeChains.postrouting, comment: "kubernetes postrouting rules", newOnly: false),
    ]

    static let kubeletJumps: [Jump] = [
        Jump(table: .filter, from: "INPUT", to: KubeChains.kubeletFirewall, comment: nil, newOnly: false),
        Jump(table: .filter, from: "OUTPUT", to: KubeChains.kubeletFirewall, comment: nil, newOnly: false),
    ]

    static func rule(for j: Jump) -> Rule {
        var m: [Match] = j.newOnly ? [.conntrack(ConntrackMatch(states: .new))] : []
        if let c = j.comment { m.append(.comment(c)) }
        return Rule(matches: m, target: .jump(j.to))
    }

    /// Built-in chains with kube-proxy's jump rules, in the order a fresh node ends up with:
    /// kube-proxy prepends each (so its list appears reversed) after kubelet appended KUBE-FIREWALL.
    static func builtinChains(_ table: TableName) -> [Chain] {
        table.builtinChains.compactMap { name in
            let own = jumps.filter { $0.table == table && $0.from == name }.reversed().map(rule(for:))
            let kubelet = kubeletJumps.filter { $0.table == table && $0.from == name }.map(rule(for:))
            let rules = own + kubelet
            return rules.isEmpty ? nil : Chain(name: name, policy: .accept, rules: rules)
        }
    }
}
