/// `range`: register within [from, to] (op eq) or outside it (op neq).
public struct RangeExpr: Hashable, Sendable {
    public static let name = "range"
    static let aSreg: UInt16 = 1, aOp: UInt16 = 2, aFrom: UInt16 = 3, aTo: UInt16 = 4

    public var sreg: UInt32
    public var op: UInt32
    public var from: [UInt8]
    public var to: [UInt8]

    public init(op: UInt32, from: [UInt8], to: [UInt8], sreg: UInt32 = 1) {
        self.op = op; self.from = from; self.to = to; self.sreg = sreg
    }

    static let allowed = AttributeIndex.mask(aSreg, aOp, aFrom, aTo)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed), let s = attrs.u32(Self.aSreg), let o = attrs.u32(Self.aOp),
              let f = ExprAttrs.dataValue(attrs, Self.aFrom),
              let t = ExprAttrs.dataValue(attrs, Self.aTo) else { return nil }
        sreg = s; op = o; from = f; to = t
    }

    /// libnftnl order: sreg, op, from, to.
    func encode(into w: inout AttributeWriter) {
        w.putU32(Self.aSreg, sreg)
        w.putU32(Self.aOp, op)
        ExprAttrs.putDataValue(&w, Self.aFrom, from)
        ExprAttrs.putDataValue(&w, Self.aTo, to)
    }
}
