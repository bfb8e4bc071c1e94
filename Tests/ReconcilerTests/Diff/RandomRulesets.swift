@testable import Reconciler
import ReconcilerTesting

/// A small deterministic PRNG (SplitMix64) so property tests are reproducible by seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random kube-proxy-shaped rulesets (desired states) and random live states derived from them.
enum RandomRulesets {
    static func rule(_ text: String, family: IPFamily = .ipv4) -> Rule {
        let line = Array(text)
        return try! RuleParser.parse(try! Tokenizer.tokens(of: line), line: line, family: family)
    }

    static func jump(_ chain: String, comment: String? = nil) -> Rule {
        var rule = Rule(target: .jump(chain))
        if let comment { rule.matches = [.comment(comment)] }
        return rule
    }

    /// A desired ruleset with `services` services of 1-3 endpoints each.
    static func desired(services: Int, using random: inout SeededRandom) -> Ruleset {
        var nat = Table(name: .nat, chains: TableName.nat.builtinChains.map { Chain(name: $0, policy: .accept) })
        nat[chain: "PREROUTING"]!.rules = [jump("KUBE-SERVICES", comment: "kubernetes service portals")]
        nat[chain: "OUTPUT"]!.rules = [jump("KUBE-SERVICES", comment: "kubernetes service portals")]
        nat[chain: "POSTROUTING"]!.rules = [jump("KUBE-POSTROUTING", comment: "kubernetes postrouting rules")]
        var portals = Chain(name: "KUBE-SERVICES"), nodePorts = Chain(name: "KUBE-NODEPORTS")
        nat.chains.append(Chain(name: "KUBE-MARK-MASQ", rules: [Rule(target: .mark(.or(0x4000)))]))
        nat.chains.append(Chain(name: "KUBE-POSTROUTING", rules: [
            rule("-m mark ! --mark 0x4000/0x4000 -j RETURN"), Rule(target: .mark(.xor(0x4000))),
            rule("-m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"),
        ]))
        for index in 0..<services {
            let name = "KUBE-SVC-\(String(index, radix: 36).uppercased())", ip = "172.30.\(index / 250).\(index % 250 + 1)"
            let serviceRule = rule("-d \(ip)/32 -p tcp -m comment --comment \"ns/svc\(index) cluster IP\" -m tcp --dport 80 -j \(name)")
            portals.rules.append(serviceRule)
            if random.next() % 4 == 0 {
                nodePorts.rules.append(rule("-p tcp -m comment --comment ns/svc\(index) -m tcp --dport \(30000 + index) -j \(name)"))
            }
            let endpoints = Int(random.next() % 3) + 1
            var svc = Chain(name: name, rules: [rule("! -s 10.0.0.0/8 -d \(ip)/32 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ")])
            for endpoint in 0..<endpoints {
                let sep = "KUBE-SEP-\(String(index, radix: 36).uppercased())X\(endpoint)"
                var dispatch = jump(sep)
                if endpoint < endpoints - 1 { dispatch.matches = [Match.statistic(StatisticMatch.random(1.0 / Double(endpoints - endpoint)))] }
                svc.rules.append(dispatch)
                let podIP = "10.\(index / 250).\(index % 250).\(endpoint + 1)"
                nat.chains.append(Chain(name: sep, rules: [
                    rule("-s \(podIP)/32 -j KUBE-MARK-MASQ"),
                    rule("-p tcp -m tcp -j DNAT --to-destination \(podIP):8080"),
                ]))
            }
            nat.chains.append(svc)
        }
        portals.rules.append(rule("-m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"))
        nat.chains += [portals, nodePorts]
        var filter = Table(name: .filter, chains: TableName.filter.builtinChains.map { Chain(name: $0, policy: .accept) })
        filter[chain: "FORWARD"]!.rules = [jump("KUBE-FORWARD", comment: "kubernetes forwarding rules")]
        filter.chains.append(Chain(name: "KUBE-FORWARD", rules: [rule("-m conntrack --ctstate INVALID -j DROP")]))
        return Ruleset(family: .ipv4, tables: [filter, nat]).canonicallyOrdered()
    }

    /// Adds foreign chains and rules (Docker-like) that must survive every plan.
    static func withForeign(_ ruleset: Ruleset) -> Ruleset {
        var copy = ruleset
        copy[table: .nat]![chain: "PREROUTING"]!.rules.insert(rule("-m addrtype --dst-type LOCAL -j DOCKER"), at: 0)
        copy[table: .nat]!.chains.append(Chain(name: "DOCKER", rules: [rule("-i docker0 -j RETURN")]))
        copy[table: .nat]![chain: "POSTROUTING"]!.rules.append(rule("-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE"))
        copy[table: .filter]!.chains.append(Chain(name: "DOCKER-USER", rules: [Rule(target: .return)]))
        copy[table: .filter]![chain: "FORWARD"]!.rules.append(jump("DOCKER-USER"))
        copy[table: .mangle] = Table(name: .mangle, chains: [Chain(name: "PREROUTING", policy: .accept, rules: [rule("-j MARK --set-xmark 0x1/0x1")])])
        return copy.canonicallyOrdered()
    }
}
