/// The mutable part of one trace: the path so far and what had to be assumed.
struct TraceWalk {
    let tracer: KernelTracer
    var path: [TraceStep] = []
    var assumptions = Set<String>()
    var cannot: String?

    /// A packet that finished: dropped or rejected (`outcome`), or delivered (nil).
    typealias Finished = (state: TraceState, outcome: TraceOutcome?)

    /// Runs every state through one built-in chain; returns those that go on to the next hook.
    mutating func hook(_ table: TableName, _ chain: String, _ states: [TraceState], _ finished: inout [Finished],
                       natHook: Bool) -> [TraceState] {
        var next: [TraceState] = []
        for state in states {
            for ending in walk(table, chain, state, depth: 0) {
                switch ending {
                case .returned(let s): next.append(s)
                case .ended(let s, let outcome) where outcome == .drop || outcome == .reject: finished.append((state: s, outcome: outcome))
                case .ended(let s, _): next.append(s)
                case .cannot(_, let why):
                    // The trace stops on this way; the others still count.
                    cannot = cannot ?? why
                }
            }
        }
        return next
    }

    mutating func walk(_ table: TableName, _ name: String, _ state: TraceState, depth: Int) -> [TraceEnding] {
        guard depth < 64 else { return [.cannot(state, "jump loop at \(table.rawValue)/\(name)")] }
        guard let chain = tracer.ruleset[table: table]?[chain: name] else {
            if table.builtinChains.contains(name) { return [.returned(state)] }
            return [.cannot(state, "chain \(table.rawValue)/\(name) does not exist")]
        }
        return rules(chain, table, from: 0, state, depth)
    }

    /// Evaluates `chain`'s rules from `start`; a random rule forks the walk.
    mutating func rules(_ chain: Chain, _ table: TableName, from start: Int, _ state: TraceState, _ depth: Int) -> [TraceEnding] {
        var i = start
        while i < chain.rules.count {
            let rule = chain.rules[i]
            let decision = TraceMatcher(state: state, local: tracer.localAddresses).decide(rule, assumptions: &assumptions)
            let text = SaveRenderer.line(chain: chain.name, rule: rule, family: tracer.ruleset.family)
            switch decision {
            case .no(let why):
                step(table, chain.name, text, false, why)
                i += 1
            case .cannot(let why):
                step(table, chain.name, text, false, "cannot evaluate: \(why)")
                return [.cannot(state, "\(table.rawValue)/\(chain.name) rule \(i + 1): \(why)")]
            case .yes:
                step(table, chain.name, text, true, Self.action(rule.target))
                return apply(rule, chain, table, i, state, depth)
            case .branch(let p, let why):
                step(table, chain.name, text, true, "\(why) (both ways followed): \(Self.action(rule.target))")
                var taken = state, skipped = state
                taken.probability *= p
                skipped.probability *= 1 - p
                return apply(rule, chain, table, i, taken, depth) + rules(chain, table, from: i + 1, skipped, depth)
            }
        }
        guard table.builtinChains.contains(chain.name) else { return [.returned(state)] }
        let policy = chain.policy ?? .accept
        step(table, chain.name, "policy \(policy.rawValue)", true, "end of the built-in chain")
        return [.ended(state, policy == .drop ? .drop : .accept)]
    }

    /// What a matched rule does, then where the walk goes on.
    mutating func apply(_ rule: Rule, _ chain: Chain, _ table: TableName, _ i: Int, _ state: TraceState, _ depth: Int) -> [TraceEnding] {
        var s = state
        let owned = Ownership.owns(chain: chain.name, in: table)
        // A rule of kube-proxy's applies when it does something (not a jump between its chains, not RETURN).
        if owned, rule.target != .return, !(rule.targetChain.map { Ownership.owns(chain: $0, in: table) } ?? false) { s.touchedKube = true }
        guard let target = rule.target else { return rules(chain, table, from: i + 1, s, depth) }
        switch target {
        case .accept: return [.ended(s, .accept)]
        case .drop: return [.ended(s, .drop)]
        case .reject: return [.ended(s, .reject)]
        case .return: return [.returned(s)]
        case .jump(let next), .goto(let next):
            let isGoto: Bool = { if case .goto = target { return true } else { return false } }()
            var out: [TraceEnding] = []
            for ending in walk(table, next, s, depth: depth + 1) {
                guard case .returned(let back) = ending else { out.append(ending); continue }
                out += isGoto ? [.returned(back)] : rules(chain, table, from: i + 1, back, depth)
            }
            return out
        case .dnat(let n):
            let endpoint = KubeProxyTextWriter.natDestination(n)
            s.packet.destination = n.minAddress ?? s.packet.destination
            s.packet.destinationPort = n.ports.map { Int($0.low) } ?? s.packet.destinationPort
            s.endpoint = endpoint
            s.ctstates.insert(.dnat)
            return [.ended(s, .dnat)]
        case .snat: return [.ended(s, .snat)]
        case .masquerade:
            s.masquerade = true
            return [.ended(s, .masquerade)]
        case .mark(let m):
            s.mark = (s.mark & ~m.mask) ^ m.value
            return rules(chain, table, from: i + 1, s, depth)
        case .log: return rules(chain, table, from: i + 1, s, depth)
        case .ct, .notrack:
            assumptions.insert("\(target.name) targets are not modelled")
            return rules(chain, table, from: i + 1, s, depth)
        default:
            return [.cannot(s, "\(table.rawValue)/\(chain.name) rule \(i + 1): target \(target.name) cannot be evaluated")]
        }
    }

    /// What a matched rule does, for the path.
    static func action(_ target: Target?) -> String {
        switch target {
        case nil: return "matched (no target)"
        case .jump(let chain)?: return "jump to \(chain)"
        case .goto(let chain)?: return "go to \(chain)"
        case .dnat(let n)?: return "DNAT: destination becomes \(KubeProxyTextWriter.natDestination(n))"
        case .mark(let m)?: return "mark: (mark & 0x\(String(~m.mask, radix: 16))) ^ 0x\(String(m.value, radix: 16))"
        case .masquerade?: return "MASQUERADE: source becomes the node's address"
        case let t?: return t.name
        }
    }

    mutating func step(_ table: TableName, _ chain: String, _ rule: String, _ matched: Bool, _ why: String) {
        path.append(TraceStep(table: table.rawValue, chain: chain, rule: rule, matched: matched, why: why.isEmpty ? (matched ? "matched" : "no match") : why))
    }

    /// The summary of every finished way.
    func result(_ finished: [Finished]) -> TraceResult {
        let delivered = finished.filter { $0.outcome == nil }.map(\.state)
        var endpoints: [String] = []
        var probabilities: [String: Double] = [:]
        for s in delivered {
            guard let e = s.endpoint else { continue }
            if probabilities[e] == nil { endpoints.append(e) }
            probabilities[e, default: 0] += s.probability
        }
        let verdict: TraceVerdict
        if !endpoints.isEmpty { verdict = .dnat }
        else if finished.contains(where: { $0.outcome == .reject }) { verdict = .reject }
        else if finished.contains(where: { $0.outcome == .drop }) { verdict = .drop }
        else if delivered.contains(where: \.touchedKube) { verdict = .accept }
        else { verdict = .none }
        return TraceResult(verdict: verdict, endpoints: endpoints, probabilities: probabilities.mapValues { ($0 * 1e9).rounded() / 1e9 },
                           masquerade: delivered.contains(where: \.masquerade), path: path,
                           assumptions: assumptions.sorted(), cannotEvaluate: cannot)
    }
}
