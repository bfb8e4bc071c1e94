import Reconciler

/// Where a new rule goes in its chain.
public enum RulePlacement: Hashable, Sendable {
    /// At the end of the chain (NLM_F_APPEND).
    case append
    /// At the head of the chain (no position, no append flag).
    case first
    /// Right after the rule with this handle (NLM_F_APPEND + position).
    case after(handle: UInt64)
    /// Right before the rule with this handle (position, no append flag).
    case before(handle: UInt64)
}

/// The hook of a base chain to create (iptables-nft's built-in chain definitions).
public struct BaseChainSpec: Hashable, Sendable {
    public var hooknum: UInt32
    public var priority: Int32
    public var type: String
    public init(hooknum: UInt32, priority: Int32, type: String) {
        self.hooknum = hooknum; self.priority = priority; self.type = type
    }
}

/// One step of a transaction. Printable so that a planned transaction can be shown before commit.
public enum NftOperation: Hashable, Sendable, CustomStringConvertible {
    case addTable(String)
    case deleteTable(String)
    /// A base chain with hook and policy (NF_ACCEPT = 1, NF_DROP = 0), or a policy update when it exists.
    case addBaseChain(table: String, chain: String, hook: BaseChainSpec, policy: UInt32)
    /// A user chain (NLM_F_EXCL: fails with EEXIST if present).
    case addChain(table: String, chain: String)
    case deleteChain(table: String, chain: String)
    /// Delete every rule of a chain.
    case flushChain(table: String, chain: String)
    case addRule(NftRuleSpec, RulePlacement)
    /// Replace the rule with this handle in place (NEWRULE with NLM_F_REPLACE).
    case replaceRule(NftRuleSpec, handle: UInt64)
    case deleteRule(table: String, chain: String, handle: UInt64, label: String?)

    public var description: String {
        switch self {
        case .addTable(let t): return "add table \(t)"
        case .deleteTable(let t): return "delete table \(t)"
        case .addBaseChain(let t, let c, let h, let p):
            return "add base chain \(t) \(c) (hook \(h.hooknum) priority \(h.priority) type \(h.type) policy \(p == 1 ? "ACCEPT" : "DROP"))"
        case .addChain(let t, let c): return "add chain \(t) \(c)"
        case .deleteChain(let t, let c): return "delete chain \(t) \(c)"
        case .flushChain(let t, let c): return "flush chain \(t) \(c)"
        case .addRule(let r, let p): return "add rule \(r.table) \(r.chain) \(p): \(r.label ?? "\(r.expressions.count) expressions")"
        case .replaceRule(let r, let h): return "replace rule \(r.table) \(r.chain) handle \(h): \(r.label ?? "\(r.expressions.count) expressions")"
        case .deleteRule(let t, let c, let h, let l): return "delete rule \(t) \(c) handle \(h)" + (l.map { ": \($0)" } ?? "")
        }
    }

    /// True when the operation writes a rule with a still unbound `-m set` index.
    public var needsIpsets: Bool {
        switch self {
        case .addRule(let spec, _), .replaceRule(let spec, _): return !spec.ipsets.isEmpty
        default: return false
        }
    }

    /// The chain this operation concerns, if any.
    public var chain: String? {
        switch self {
        case .addTable, .deleteTable: return nil
        case .addBaseChain(_, let c, _, _), .addChain(_, let c), .deleteChain(_, let c), .flushChain(_, let c): return c
        case .addRule(let r, _), .replaceRule(let r, _): return r.chain
        case .deleteRule(_, let c, _, _): return c
        }
    }
}
