/// One rule: the fixed header options (`-s -d -i -o -p -f`), the `-m` matches in written
/// order, and at most one target. Values are canonical: two rules are equal exactly when
/// iptables-save prints them identically.
public struct Rule: Hashable, Sendable {
    public var source: AddressMatch?
    public var destination: AddressMatch?
    public var inInterface: InterfaceMatch?
    public var outInterface: InterfaceMatch?
    public var proto: ProtocolMatch?
    /// `-f` / `! -f`: nil when absent, otherwise whether it is negated.
    public var fragment: Negation?
    public var matches: [Match]
    public var target: Target?
    /// Set when the rule came from the kernel and could not be fully decoded.
    public var opaque: OpaqueRule?

    public init(source: AddressMatch? = nil, destination: AddressMatch? = nil,
                inInterface: InterfaceMatch? = nil, outInterface: InterfaceMatch? = nil,
                proto: ProtocolMatch? = nil, fragment: Negation? = nil,
                matches: [Match] = [], target: Target? = nil, opaque: OpaqueRule? = nil) {
        self.source = source
        self.destination = destination
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.proto = proto
        self.fragment = fragment
        self.matches = matches
        self.target = target
        self.opaque = opaque
    }

    /// The value of the first `-m comment`, if any.
    public var comment: String? {
        for case .comment(let text) in matches { return text }
        return nil
    }

    /// The chain this rule jumps or goes to, if its target is a chain.
    public var targetChain: String? {
        switch target {
        case .jump(let chain), .goto(let chain): return chain
        default: return nil
        }
    }
}

/// Whether an option was negated with `!`.
public struct Negation: Hashable, Sendable {
    public var negated: Bool
    public init(negated: Bool = false) { self.negated = negated }
}

/// `[!] -s|-d CIDR`.
public struct AddressMatch: Hashable, Sendable {
    public var cidr: CIDR
    public var negated: Bool
    public init(_ cidr: CIDR, negated: Bool = false) {
        self.cidr = cidr
        self.negated = negated
    }
}

/// `[!] -i|-o NAME`, where a trailing `+` matches every interface with that prefix.
public struct InterfaceMatch: Hashable, Sendable {
    public var name: String
    public var negated: Bool
    public init(_ name: String, negated: Bool = false) {
        self.name = name
        self.negated = negated
    }

    /// Whether the name ends in `+` (prefix match).
    public var isWildcard: Bool { name.hasSuffix("+") }
}

/// `[!] -p PROTO`, kept as the protocol number.
public struct ProtocolMatch: Hashable, Sendable {
    public var number: UInt8
    public var negated: Bool
    public init(_ number: UInt8, negated: Bool = false) {
        self.number = number
        self.negated = negated
    }

    public static let tcp = ProtocolMatch(6)
    public static let udp = ProtocolMatch(17)
    public static let sctp = ProtocolMatch(132)
}

/// A kernel rule that could not be fully decoded: its raw nf_tables expressions are kept so
/// it can be compared and deleted, but it is never re-encoded.
public struct OpaqueRule: Hashable, Sendable {
    /// The rule's `NFTA_RULE_EXPRESSIONS` attribute payload, byte for byte.
    public var expressions: [UInt8]
    /// Why decoding stopped (for the placeholder text), e.g. "xt match owner rev 1".
    public var reason: String
    /// The expressions as libnftnl prints them (`[ meta load mark => reg 1 ] [ cmp eq ... ]`),
    /// when the rule was read from the kernel.
    public var text: String?

    public init(expressions: [UInt8], reason: String, text: String? = nil) {
        self.expressions = expressions
        self.reason = reason
        self.text = text
    }

    /// `<opaque rule: reason>`, with the expressions when they were printed.
    public var placeholder: String {
        guard let text, !text.isEmpty else { return "<opaque rule: \(reason)>" }
        return "<opaque rule: \(reason): \(text)>"
    }
}
