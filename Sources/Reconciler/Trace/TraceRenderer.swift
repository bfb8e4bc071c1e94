/// The text output of `kpx-reconcile trace`: the chains and rules visited, grouped by chain,
/// with why each matched (runs of rules that did not match are counted unless `verbose`), then
/// the verdict, the endpoints with their chances, masquerade and the assumptions made.
public struct TraceRenderer: Sendable {
    public var verbose: Bool
    public init(verbose: Bool = false) { self.verbose = verbose }

    public func render(_ r: TraceResult, packet: TracePacket, fromNode: Bool) -> String {
        let sport = packet.sourcePort.map { ":\($0)" } ?? ""
        var out = "trace \(packet.proto.lower) \(join(packet.source, sport)) -> \(join(packet.destination, ":\(packet.destinationPort)"))"
        out += fromNode ? " (from this node: nat OUTPUT, filter OUTPUT, nat POSTROUTING)\n"
                        : " (from elsewhere: nat PREROUTING, filter INPUT or FORWARD, nat POSTROUTING)\n"
        var current = "", skipped = 0
        func flush() { if skipped > 0 { out += "    \(skipped) rule\(skipped == 1 ? "" : "s") did not match\n"; skipped = 0 } }
        for step in r.path {
            let header = "\(step.table) \(step.chain)"
            if header != current { flush(); out += "  \(header)\n"; current = header }
            if step.matched {
                flush()
                out += "    + \(step.rule)\n        => \(step.why)\n"
            } else if verbose || step.why.hasPrefix("cannot evaluate") {
                flush()
                out += "    - \(step.rule)\n        (\(step.why))\n"
            } else {
                skipped += 1
            }
        }
        flush()
        return out + summary(r)
    }

    func summary(_ r: TraceResult) -> String {
        var out = ""
        switch r.verdict {
        case .dnat:
            let list = r.endpoints.map { "\($0) (\(TraceMatcher.percent(r.probabilities[$0] ?? 0)))" }.joined(separator: ", ")
            out += "verdict: DNAT to \(list)\n"
        case .none: out += "verdict: NONE (no rule of kube-proxy's applies)\n"
        default: out += "verdict: \(r.verdict.rawValue)\n"
        }
        out += "masquerade: \(r.masquerade ? "yes" : "no")\n"
        if let cannot = r.cannotEvaluate { out += "cannot evaluate: \(cannot) (the trace stopped there)\n" }
        for a in r.assumptions { out += "assumed: \(a)\n" }
        return out
    }

    private func join(_ ip: IPAddress, _ port: String) -> String {
        ip.family == .ipv6 && !port.isEmpty ? "[\(ip)]\(port)" : "\(ip)\(port)"
    }
}
