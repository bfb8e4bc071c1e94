/// One nf_tables expression exactly as the kernel holds it, typed for the kinds iptables-nft
/// writes. Anything else (or a known kind with attributes we do not model) is `.unknown` and keeps
/// its raw attribute bytes, so nothing is lost or rewritten.
public enum RawExpression: Hashable, Sendable {
    case meta(MetaExpr)
    case payload(PayloadExpr)
    case cmp(CmpExpr)
    case bitwise(BitwiseExpr)
    case immediate(ImmediateExpr)
    case counter(CounterExpr)
    case range(RangeExpr)
    case lookup(LookupExpr)
    case match(XtExpr)
    case target(XtExpr)
    case unknown(UnknownExpr)

    /// The expression's kernel name ("meta", "payload", "match", ...).
    public var name: String {
        switch self {
        case .meta: return MetaExpr.name
        case .payload: return PayloadExpr.name
        case .cmp: return CmpExpr.name
        case .bitwise: return BitwiseExpr.name
        case .immediate: return ImmediateExpr.name
        case .counter: return CounterExpr.name
        case .range: return RangeExpr.name
        case .lookup: return LookupExpr.name
        case .match: return "match"
        case .target: return "target"
        case .unknown(let u): return u.name
        }
    }

    /// The NFTA_EXPR_DATA attribute run of this expression.
    public func encodedData() -> [UInt8] {
        if case .unknown(let e) = self { return e.data }
        var w = AttributeWriter()
        encodeData(into: &w)
        return w.bytes
    }

    /// Appends this expression's attribute run to `w` (typed kinds only).
    func encodeData(into w: inout AttributeWriter) {
        switch self {
        case .meta(let e): e.encode(into: &w)
        case .payload(let e): e.encode(into: &w)
        case .cmp(let e): e.encode(into: &w)
        case .bitwise(let e): e.encode(into: &w)
        case .immediate(let e): e.encode(into: &w)
        case .counter(let e): e.encode(into: &w)
        case .range(let e): e.encode(into: &w)
        case .lookup(let e): e.encode(into: &w)
        case .match(let e), .target(let e): e.encode(into: &w)
        case .unknown(let e): w.appendRaw(e.data)
        }
    }

    /// Decodes one expression from its name and NFTA_EXPR_DATA bytes. Never fails: what does not
    /// decode exactly becomes `.unknown`.
    public static func decode(name: String, data: [UInt8]) -> RawExpression {
        data.withUnsafeBytes { decode(name: name, data: $0) }
    }

    /// `decode(name:data:)` reading the attribute bytes in place (copied only into the result).
    static func decode(name: String, data: UnsafeRawBufferPointer) -> RawExpression {
        guard let attrs = try? AttributeIndex(data) else { return .unknown(UnknownExpr(name: name, data: Array(data))) }
        let typed: RawExpression?
        switch name {
        case MetaExpr.name: typed = MetaExpr(attrs).map(RawExpression.meta)
        case PayloadExpr.name: typed = PayloadExpr(attrs).map(RawExpression.payload)
        case CmpExpr.name: typed = CmpExpr(attrs).map(RawExpression.cmp)
        case BitwiseExpr.name: typed = BitwiseExpr(attrs).map(RawExpression.bitwise)
        case ImmediateExpr.name: typed = ImmediateExpr(attrs).map(RawExpression.immediate)
        case CounterExpr.name: typed = CounterExpr(attrs).map(RawExpression.counter)
        case RangeExpr.name: typed = RangeExpr(attrs).map(RawExpression.range)
        case LookupExpr.name: typed = LookupExpr(attrs).map(RawExpression.lookup)
        case "match": typed = XtExpr(attrs).map(RawExpression.match)
        case "target": typed = XtExpr(attrs).map(RawExpression.target)
        default: typed = nil
        }
        return typed ?? .unknown(UnknownExpr(name: name, data: Array(data)))
    }
}

/// Attribute helpers shared by the expression codecs.
enum ExprAttrs {
    /// True when every attribute type is in `allowed` and none repeats (otherwise: keep raw).
    static func only(_ attrs: [NetlinkAttribute], _ allowed: Set<UInt16>) -> Bool {
        var seen = Set<UInt16>()
        for a in attrs { guard allowed.contains(a.type), seen.insert(a.type).inserted else { return false } }
        return true
    }

    /// NFTA_DATA_VALUE inside the nft_data nest `type` (its only attribute, NFTA_DATA_VALUE = 1).
    static func dataValue(_ attrs: AttributeIndex, _ type: UInt16) -> [UInt8]? {
        guard let inner = try? attrs.children(type) else { return nil }
        return inner.single(1)
    }

    static func putDataValue(_ w: inout AttributeWriter, _ type: UInt16, _ value: [UInt8]) {
        w.nest(type) { $0.put(1, value) }
    }
}

/// An expression kind we do not type: name and raw NFTA_EXPR_DATA bytes.
public struct UnknownExpr: Hashable, Sendable {
    public var name: String
    public var data: [UInt8]
    public init(name: String, data: [UInt8]) { self.name = name; self.data = data }
}
