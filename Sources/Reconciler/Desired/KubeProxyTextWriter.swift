import Foundation

/// Prints a desired ruleset as the iptables-restore input kube-proxy writes for a full sync:
/// its option order (`-m comment --comment .. -m tcp -p tcp -d IP --dport P`), bare host
/// addresses, `%0.10f` probabilities, `--or-mark`/`--xor-mark`, plain `-j REJECT`.
public struct KubeProxyTextWriter: Sendable {
    /// How mark values are spelled.
    public enum MarkStyle: Sendable {
        /// kube-proxy's `fmt.Sprintf("%#08x", 1<<bit)`: `0x004000`.
        case kubeProxy
        /// Shortest hex: `0x4000` (kube-proxy's unit-test fake proxier).
        case short
    }

    public var markStyle: MarkStyle

    public init(markStyle: MarkStyle = .kubeProxy) { self.markStyle = markStyle }

    /// The whole restore text: per table `*name`, chain declarations, rules, `-X` lines for
    /// `deletedChains` (stale chains, declared then deleted), `COMMIT`. Built-in chains are left
    /// out (kube-proxy maintains its jumps there with single-rule commands, not restore).
    /// `onlyServiceChains` gives kube-proxy's partial sync: per-service chains (KUBE-SVC/SVL/EXT/FW/SEP)
    /// not in the set are left out, every fixed chain is still written in full.
    public func render(_ ruleset: Ruleset, deletedChains: [TableName: [String]] = [:],
                       onlyServiceChains: Set<String>? = nil) -> String {
        var out = ""
        for table in ruleset.tables {
            out += "*\(table.name.rawValue)\n"
            let chains = table.chains.filter { c in
                !c.isBuiltin && !isEnsuredOnly(c)
                    && (onlyServiceChains == nil || !KubeChains.isServiceChain(c.name) || onlyServiceChains!.contains(c.name))
            }
            let deleted = deletedChains[table.name] ?? []
            for c in chains { out += ":\(c.name) - [0:0]\n" }
            for name in deleted { out += ":\(name) - [0:0]\n" }
            for c in chains {
                for r in c.rules { out += ruleLine(chain: c.name, r, family: ruleset.family) + "\n" }
            }
            for name in deleted { out += "-X \(name)\n" }
            out += "COMMIT\n"
        }
        return out
    }

    /// kube-proxy declares KUBE-FIREWALL only when it writes the anti-martian rule; otherwise the
    /// chain exists only because of EnsureChain.
    private func isEnsuredOnly(_ c: Chain) -> Bool { c.name == KubeChains.kubeletFirewall && c.rules.isEmpty }

    /// `-A CHAIN ...` for one rule, in kube-proxy's written order.
    public func ruleLine(chain: String, _ rule: Rule, family: IPFamily) -> String {
        var words = ["-A", chain]
        var headers = HeaderState(rule)
        for m in rule.matches {
            if case .conntrack = m { words += headers.remaining(family) }
            words += match(m, &headers, family)
        }
        words += headers.remaining(family)
        words += target(rule.target, family)
        return words.joined(separator: " ")
    }

    func mark(_ v: UInt32) -> String {
        switch markStyle {
        case .short: return "0x" + String(v, radix: 16)
        case .kubeProxy:
            let hex = String(v, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 6 - hex.count)) + hex
        }
    }
}

/// The `-s/-d/-i/-o/-p` options of a rule that have not been printed yet.
struct HeaderState {
    var proto: ProtocolMatch?
    var destination: AddressMatch?
    var source: AddressMatch?
    var inInterface: InterfaceMatch?
    var outInterface: InterfaceMatch?

    init(_ r: Rule) {
        proto = r.proto
        destination = r.destination
        source = r.source
        inInterface = r.inInterface
        outInterface = r.outInterface
    }

    static func neg(_ n: Bool) -> [String] { n ? ["!"] : [] }

    /// kube-proxy writes host addresses bare, networks (and its literal `::1/128`) with a length.
    static func address(_ a: AddressMatch, _ flag: String) -> [String] {
        let c = a.cidr
        let text = c.isHost && !(c.family == .ipv6 && c.address.isLoopback) ? "\(c.address)" : "\(c)"
        return neg(a.negated) + [flag, text]
    }

    mutating func takeProto(_ family: IPFamily) -> [String] {
        guard let p = proto else { return [] }
        proto = nil
        return HeaderState.neg(p.negated) + ["-p", KubeProxyTextWriter.protocolName(p.number)]
    }

    mutating func takeDestination() -> [String] {
        guard let d = destination else { return [] }
        destination = nil
        return HeaderState.address(d, "-d")
    }

    /// Everything not yet printed, in kube-proxy's order: -p, -d, -s, -i, -o.
    mutating func remaining(_ family: IPFamily) -> [String] {
        var w = takeProto(family) + takeDestination()
        if let s = source { w += HeaderState.address(s, "-s"); source = nil }
        if let i = inInterface { w += HeaderState.neg(i.negated) + ["-i", i.name]; inInterface = nil }
        if let o = outInterface { w += HeaderState.neg(o.negated) + ["-o", o.name]; outInterface = nil }
        return w
    }
}
