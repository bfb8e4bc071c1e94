/// Prints rulesets, chains and rules exactly as iptables-save 1.8.9 (nf_tables) prints them.
public enum SaveRenderer {
    /// The whole ruleset: per table `*name`, chain lines, rules, `COMMIT`, in the given order.
    public static func render(_ ruleset: Ruleset) -> String {
        ruleset.tables.map { render($0, family: ruleset.family) }.joined()
    }

    /// One table block ending in `COMMIT\n`.
    public static func render(_ table: Table, family: IPFamily) -> String {
        var out = "*\(table.name.rawValue)\n"
        for chain in table.chains {
            let counters = "[\(chain.counters.packets):\(chain.counters.bytes)]"
            out += ":\(chain.name) \(chain.policy?.rawValue ?? "-") \(counters)\n"
        }
        for chain in table.chains {
            for rule in chain.rules { out += line(chain: chain.name, rule: rule, family: family) + "\n" }
        }
        return out + "COMMIT\n"
    }

    /// `-A CHAIN <rule>`.
    public static func line(chain: String, rule: Rule, family: IPFamily) -> String {
        let body = render(rule, family: family)
        return body.isEmpty ? "-A \(chain)" : "-A \(chain) \(body)"
    }

    /// The rule's options, without `-A CHAIN`.
    public static func render(_ rule: Rule, family: IPFamily) -> String {
        if let opaque = rule.opaque { return opaque.placeholder }
        var parts: [String] = []
        func negation(_ negated: Bool) -> String { negated ? "! " : "" }
        if let source = rule.source { parts.append("\(negation(source.negated))-s \(source.cidr)") }
        if let destination = rule.destination { parts.append("\(negation(destination.negated))-d \(destination.cidr)") }
        if let input = rule.inInterface { parts.append("\(negation(input.negated))-i \(input.name)") }
        if let output = rule.outInterface { parts.append("\(negation(output.negated))-o \(output.name)") }
        if let proto = rule.proto { parts.append("\(negation(proto.negated))-p \(ProtocolNames.name(of: proto.number))") }
        if let fragment = rule.fragment { parts.append("\(negation(fragment.negated))-f") }
        for match in rule.matches {
            let options = MatchRenderer.options(match, family: family)
            parts.append(options.isEmpty ? "-m \(match.name)" : "-m \(match.name) \(options)")
        }
        if let target = rule.target { parts.append(TargetRenderer.render(target, family: family)) }
        return parts.joined(separator: " ")
    }
}
