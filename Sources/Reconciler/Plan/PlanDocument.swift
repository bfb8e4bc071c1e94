/// The machine-readable form of a plan (`--output json`).
public struct PlanDocument: Codable, Hashable, Sendable {
    public struct Operation: Codable, Hashable, Sendable {
        public var op: String
        public var table: String
        public var chain: String?
        public var handle: UInt64?
        public var rule: String?
        public var oldRule: String?
        public var placement: String?
        /// `ns/name` of the Service the operation concerns (nil: node-wide rules).
        public var service: String?
    }

    public var changes: Bool
    public var summary: PlanSummary
    public var warnings: [String]
    public var generation: UInt32?
    public var operations: [Operation]
    /// The plan per Service (as the dry-run's summary lines).
    public var services: [ServiceChange]?

    public init(_ plan: Plan, observed: ObservedRuleset? = nil) {
        changes = !plan.isEmpty
        summary = plan.summary
        warnings = plan.warnings
        generation = plan.generation
        let view = observed ?? ObservedRuleset(ruleset: Ruleset(family: plan.family))
        operations = plan.operations.map { op in
            var out = PlanDocument.operation(op, family: plan.family)
            out.service = Plan.service(of: op, observed: view)
            return out
        }
        services = plan.services(observed: view)
    }

    static func operation(_ operation: PlanOperation, family: IPFamily) -> Operation {
        let (table, chain) = operation.location
        var out = Operation(op: "", table: table.rawValue, chain: chain.isEmpty ? nil : chain)
        func text(_ rule: Rule) -> String { SaveRenderer.line(chain: chain, rule: rule, family: family) }
        switch operation {
        case .createTable: out.op = "create-table"
        case .createChain: out.op = "create-chain"
        case .deleteChain: out.op = "delete-chain"
        case .flushChain: out.op = "flush-chain"
        case .setPolicy(_, _, let policy):
            out.op = "set-policy"
            out.rule = policy.rawValue
        case .insertRule(_, _, let rule, let placement):
            out.op = "insert-rule"
            out.rule = text(rule)
            switch placement {
            case .append: out.placement = "append"
            case .first: out.placement = "first"
            case .before(let handle): out.placement = "before \(handle)"
            }
        case .replaceRule(_, _, let handle, let old, let new):
            out.op = "replace-rule"
            out.handle = handle
            out.rule = text(new)
            out.oldRule = text(old)
        case .deleteRule(_, _, let handle, let rule):
            out.op = "delete-rule"
            out.handle = handle
            out.rule = text(rule)
        }
        return out
    }
}
