/// Prints a plan for operators: per table and chain, `-`/`+` lines in canonical
/// iptables-save form with context, new and stale chains, warnings and a summary.
public struct PlanRenderer {
    public var context = 3
    public var color = false
    /// Prefix each summary line with the plan's family (`ipv4: `, `ipv6: `): set when the plans
    /// of a dual-stack node are shown one after the other.
    public var labelsFamily = false

    public init(context: Int = 3, color: Bool = false, labelsFamily: Bool = false) {
        self.context = context
        self.color = color
        self.labelsFamily = labelsFamily
    }

    /// The per-Service summary (`--stat`): one line per Service whose rules change.
    public func stat(_ plan: Plan, observed: ObservedRuleset) -> String {
        let lines = plan.services(observed: observed).map { $0.line + "\n" }.joined()
        return lines + summary(plan)
    }

    /// The summary line of `plan`.
    private func summary(_ plan: Plan) -> String {
        let label = labelsFamily ? "\(plan.family.rawValue): " : ""
        return paint(label + (plan.isEmpty ? "nothing to do\n" : "\(plan.summary)\n"), "1")
    }

    /// The per-Service summary, then the diff; `observed` is what the plan was computed against.
    public func render(_ plan: Plan, observed: ObservedRuleset) -> String {
        let services = plan.services(observed: observed).map { $0.line + "\n" }.joined()
        return services + (services.isEmpty ? "" : "\n") + diff(plan, observed: observed)
    }

    /// The per-chain diff text and the summary line.
    public func diff(_ plan: Plan, observed: ObservedRuleset) -> String {
        let after = (try? PlanSimulator.apply(plan, to: observed))?.ruleset
        let before = Self.chainsByName(observed.ruleset), afterChains = after.map(Self.chainsByName)
        var out = ""
        for (table, chain) in touchedChains(plan) {
            let old = before[table]?[chain]
            let new = afterChains?[table]?[chain]
            out += header(table, chain, family: plan.family, old: old, new: new)
            out += hunks(old: lines(old, plan.family), new: lines(new, plan.family))
        }
        for warning in plan.warnings { out += paint("warning: \(warning)\n", "33") }
        return out + summary(plan)
    }

    /// Chains by table and name (a linear search per touched chain made large plans quadratic).
    private static func chainsByName(_ ruleset: Ruleset) -> [TableName: [String: Chain]] {
        var out: [TableName: [String: Chain]] = [:]
        for table in ruleset.tables where out[table.name] == nil {
            out[table.name] = Dictionary(table.chains.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return out
    }

    private func touchedChains(_ plan: Plan) -> [(TableName, String)] {
        var seen: Set<String> = []
        var out: [(TableName, String)] = []
        for operation in plan.operations {
            let (table, chain) = operation.location
            guard !chain.isEmpty, seen.insert("\(table.rawValue)/\(chain)").inserted else { continue }
            out.append((table, chain))
        }
        return out.sorted { ($0.0.rawValue, $0.1) < ($1.0.rawValue, $1.1) }
    }

    /// `--- nat CHAIN` (IPv4) or `--- ip6 nat CHAIN` (IPv6), as nft names the tables.
    private func header(_ table: TableName, _ chain: String, family: IPFamily, old: Chain?, new: Chain?) -> String {
        let state = old == nil ? " (new chain)" : new == nil ? " (stale chain deleted)" : ""
        let name = family == .ipv6 ? "ip6 \(table.rawValue)" : table.rawValue
        return paint("--- \(name) \(chain)\(state)\n", "1")
    }

    private func lines(_ chain: Chain?, _ family: IPFamily) -> [String] {
        guard let chain else { return [] }
        return chain.rules.map { SaveRenderer.line(chain: chain.name, rule: $0, family: family) }
    }

    /// Unified-diff hunks between two line lists.
    private func hunks(old: [String], new: [String]) -> String {
        let steps = SequenceDiff.steps(old, new)
        let changed = steps.indices.filter { if case .keep = steps[$0] { return false } else { return true } }
        guard !changed.isEmpty else { return "" }
        var groups: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(steps.count - 1, index + context)
            if let last = groups.last, range.lowerBound <= last.upperBound + 1 {
                groups[groups.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                groups.append(range)
            }
        }
        return groups.map { hunk(steps[$0], old: old, new: new) }.joined()
    }

    private func hunk(_ steps: ArraySlice<SequenceDiff.Step>, old: [String], new: [String]) -> String {
        var body = "", oldStart: Int?, newStart: Int?, oldCount = 0, newCount = 0
        for step in steps {
            switch step {
            case .keep(let o, let n):
                oldStart = oldStart ?? o; newStart = newStart ?? n
                oldCount += 1; newCount += 1
                body += "  \(old[o])\n"
            case .delete(let o):
                oldStart = oldStart ?? o
                oldCount += 1
                body += paint("- \(old[o])\n", "31")
            case .insert(let n):
                newStart = newStart ?? n
                newCount += 1
                body += paint("+ \(new[n])\n", "32")
            }
        }
        let range = "@@ -\((oldStart ?? 0) + 1),\(oldCount) +\((newStart ?? 0) + 1),\(newCount) @@\n"
        return paint(range, "36") + body
    }

    private func paint(_ text: String, _ code: String) -> String {
        guard color else { return text }
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return "\u{1B}[\(code)m\(trimmed)\u{1B}[0m" + (text.hasSuffix("\n") ? "\n" : "")
    }
}
