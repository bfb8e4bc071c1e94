/// A table as listed by the kernel.
public struct NftTable: Hashable, Sendable {
    public var family: NftFamily
    public var name: String
    public var handle: UInt64
    public var flags: UInt32
}

/// A base chain's hook: hook number (NF_INET_*), priority, chain type ("filter", "nat", "route").
public struct NftHook: Hashable, Sendable {
    public var hooknum: UInt32
    public var priority: Int32
    public var type: String
}

/// A chain as listed by the kernel. Base chains have a hook and a policy.
public struct NftChain: Hashable, Sendable {
    public var table: String
    public var name: String
    public var handle: UInt64
    public var hook: NftHook?
    /// NF_DROP = 0, NF_ACCEPT = 1; base chains only.
    public var policy: UInt32?
    public var packets: UInt64
    public var bytes: UInt64
    public var isBase: Bool { hook != nil }
}

/// A rule as dumped: its handle, its position in the chain (0-based, dump order) and its
/// expressions, both typed and as the exact NFTA_RULE_EXPRESSIONS bytes.
public struct NftRule: Hashable, Sendable {
    public var table: String
    public var chain: String
    public var handle: UInt64
    public var position: Int
    public var expressions: [RawExpression]
    public var rawExpressions: [UInt8]
    public var userdata: [UInt8]?

    public init(table: String, chain: String, handle: UInt64 = 0, position: Int = 0,
                expressions: [RawExpression], rawExpressions: [UInt8]? = nil, userdata: [UInt8]? = nil) {
        self.table = table; self.chain = chain; self.handle = handle; self.position = position
        self.expressions = expressions
        self.rawExpressions = rawExpressions ?? NftRule.encodeExpressions(expressions)
        self.userdata = userdata
    }

    /// The NFTA_RULE_EXPRESSIONS payload (a list of NFTA_LIST_ELEM nests) for `expressions`.
    public static func encodeExpressions(_ expressions: [RawExpression]) -> [UInt8] {
        var w = AttributeWriter()
        writeExpressions(expressions, into: &w)
        return w.bytes
    }

    /// Appends the NFTA_RULE_EXPRESSIONS payload for `expressions` to `w`.
    static func writeExpressions(_ expressions: [RawExpression], into w: inout AttributeWriter) {
        for e in expressions {
            w.nest(NftProtocol.listElem) { elem in
                elem.putString(NftProtocol.exprName, e.name)
                elem.nest(NftProtocol.exprData) { e.encodeData(into: &$0) }
            }
        }
    }

    /// Parses an NFTA_RULE_EXPRESSIONS payload.
    public static func decodeExpressions(_ bytes: [UInt8]) throws -> [RawExpression] {
        try bytes.withUnsafeBytes { try decodeExpressions($0) }
    }

    /// `decodeExpressions` reading the payload in place.
    static func decodeExpressions(_ bytes: UnsafeRawBufferPointer) throws -> [RawExpression] {
        var out: [RawExpression] = []
        out.reserveCapacity(8)
        try AttributeIndex.forEach(bytes) { type, _, value in
            guard type == NftProtocol.listElem else {
                throw NetlinkError.malformed("expression list element of type \(type)")
            }
            let parts = try AttributeIndex(value)
            guard let name = parts.string(NftProtocol.exprName) else {
                throw NetlinkError.malformed("expression without a name")
            }
            out.append(RawExpression.decode(name: name, data: parts.raw(NftProtocol.exprData) ?? UnsafeRawBufferPointer(start: nil, count: 0)))
        }
        return out
    }
}
