/// Where a new rule goes in its chain, relative to rules that exist before the batch.
public enum RulePlacement: Hashable, Sendable, Codable {
    /// At the end of the chain.
    case append
    /// At the head of the chain.
    case first
    /// Right before the existing rule with this handle.
    case before(handle: UInt64)
}

/// One change in a plan. Operations apply in order inside one atomic transaction.
public enum PlanOperation: Hashable, Sendable {
    /// `RulePlacement` by a name other modules can use next to their own placement types.
    public typealias Placement = RulePlacement

    /// Creates the table with iptables-nft's base chains when it does not exist.
    case createTable(table: TableName)
    case createChain(table: TableName, chain: String)
    case insertRule(table: TableName, chain: String, rule: Rule, placement: RulePlacement)
    case replaceRule(table: TableName, chain: String, handle: UInt64, old: Rule, new: Rule)
    case deleteRule(table: TableName, chain: String, handle: UInt64, rule: Rule)
    /// Deletes every rule of a chain (`rules`: how many, for the summary).
    case flushChain(table: TableName, chain: String, rules: Int)
    case deleteChain(table: TableName, chain: String)
    /// Sets the policy of a built-in chain (restore scripts only; reconcile never does).
    case setPolicy(table: TableName, chain: String, policy: Policy)

    /// The table and chain this operation changes.
    public var location: (table: TableName, chain: String) {
        switch self {
        case .createTable(let table): return (table, "")
        case .createChain(let table, let chain), .insertRule(let table, let chain, _, _),
             .replaceRule(let table, let chain, _, _, _), .deleteRule(let table, let chain, _, _),
             .flushChain(let table, let chain, _), .deleteChain(let table, let chain), .setPolicy(let table, let chain, _):
            return (table, chain)
        }
    }
}

/// The minimal set of operations that turns an observed ruleset into the desired one, plus
/// anything the planner chose not to do (with the reason).
public struct Plan: Hashable, Sendable {
    public var family: IPFamily
    public var operations: [PlanOperation]
    /// Things left alone on purpose, e.g. a stale chain still referenced by a foreign rule.
    public var warnings: [String]
    /// The generation of the observed ruleset the plan was computed against.
    public var generation: UInt32?

    public init(family: IPFamily, operations: [PlanOperation] = [], warnings: [String] = [], generation: UInt32? = nil) {
        self.family = family
        self.operations = operations
        self.warnings = warnings
        self.generation = generation
    }

    /// Whether the live state already equals the desired state.
    public var isEmpty: Bool { operations.isEmpty }

    /// Counts for the summary line.
    public var summary: PlanSummary {
        var summary = PlanSummary()
        for operation in operations {
            switch operation {
            case .createChain: summary.chainsCreated += 1
            case .deleteChain: summary.chainsDeleted += 1
            case .insertRule: summary.rulesAdded += 1
            case .deleteRule: summary.rulesDeleted += 1
            case .replaceRule: summary.rulesReplaced += 1
            case .flushChain(_, _, let rules): summary.rulesDeleted += rules
            case .createTable, .setPolicy: break
            }
        }
        return summary
    }
}

/// `+N rules, -M rules, ~K replaced, chains +X/-Y`.
public struct PlanSummary: Hashable, Sendable, Codable, CustomStringConvertible {
    public var rulesAdded = 0
    public var rulesDeleted = 0
    public var rulesReplaced = 0
    public var chainsCreated = 0
    public var chainsDeleted = 0

    public init() {}

    public var description: String {
        "+\(rulesAdded) rules, -\(rulesDeleted) rules, ~\(rulesReplaced) replaced, chains +\(chainsCreated)/-\(chainsDeleted)"
    }
}
