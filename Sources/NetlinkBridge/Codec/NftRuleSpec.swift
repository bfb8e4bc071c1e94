public import Reconciler

/// An `-m set` match of an encoded rule whose kernel set index is bound at commit time, in the
/// namespace the rule is written to (`expression` indexes `NftRuleSpec.expressions`).
public struct IpsetBinding: Hashable, Sendable {
    public var expression: Int
    public var setName: String
    public init(expression: Int, setName: String) { self.expression = expression; self.setName = setName }
}

/// The AST rule an encoded rule came from (its label is the iptables-save line).
public struct RuleOrigin: Hashable, Sendable {
    public var chain: String
    public var rule: Rule
    public var family: IPFamily
    public init(chain: String, rule: Rule, family: IPFamily) { self.chain = chain; self.rule = rule; self.family = family }
    public var saveLine: String { SaveRenderer.line(chain: chain, rule: rule, family: family) }
}

/// A rule to write: its chain, expressions, and the NFTA_RULE_COMPAT protocol iptables-nft sets.
public struct NftRuleSpec: Hashable, Sendable {
    public var table: String
    public var chain: String
    public var expressions: [RawExpression]
    /// Set matches whose index is still unbound (IPSET_INVALID_ID in the blob).
    public var ipsets: [IpsetBinding]
    /// `-p` protocol number (0 = none) and whether it was negated; nil omits NFTA_RULE_COMPAT.
    public var compatProto: UInt32?
    public var compatInverted: Bool
    /// Human text for errors, e.g. the iptables-save line (rendered from `origin` on demand
    /// when not given: a cold apply encodes 80k rules and almost never needs their text).
    public var label: String? {
        get { explicitLabel ?? origin?.saveLine }
        set { explicitLabel = newValue }
    }
    private var explicitLabel: String?
    /// The AST rule this spec encodes, for its label.
    public var origin: RuleOrigin?

    public init(table: String, chain: String, expressions: [RawExpression], compatProto: UInt32? = 0,
                compatInverted: Bool = false, label: String? = nil, ipsets: [IpsetBinding] = []) {
        self.table = table; self.chain = chain; self.expressions = expressions
        self.compatProto = compatProto; self.compatInverted = compatInverted; self.explicitLabel = label
        self.ipsets = ipsets
    }

    /// The spec with every set match bound to its index in `lookup`'s namespace; refuses, as
    /// libxt_set does, a set that does not exist or belongs to the other family.
    public func bindingIpsets(_ lookup: any IpsetLookup, family: NftFamily) throws -> NftRuleSpec {
        var out = self
        for binding in ipsets {
            guard let set = try lookup.find(name: binding.setName) else {
                throw IpsetError.notFound(name: binding.setName)
            }
            guard set.usable(by: family) else { throw IpsetError.wrongFamily(name: binding.setName, setFamily: set.family) }
            guard case .match(let x) = out.expressions[binding.expression] else { continue }
            out.expressions[binding.expression] = .match(XtSetCodec.bind(x, index: set.index))
        }
        out.ipsets = []
        return out
    }
}
