/// `cmp`: compare a register with constant bytes.
public struct CmpExpr: Hashable, Sendable {
    public static let name = "cmp"
    static let aSreg: UInt16 = 1, aOp: UInt16 = 2, aData: UInt16 = 3

    /// NFT_CMP_* operators.
    public enum Op {
        public static let eq: UInt32 = 0, neq: UInt32 = 1, lt: UInt32 = 2, lte: UInt32 = 3, gt: UInt32 = 4, gte: UInt32 = 5
    }

    public var sreg: UInt32
    public var op: UInt32
    public var data: [UInt8]

    public init(op: UInt32, data: [UInt8], sreg: UInt32 = 1) { self.op = op; self.data = data; self.sreg = sreg }

    static let allowed = AttributeIndex.mask(aSreg, aOp, aData)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed), let s = attrs.u32(Self.aSreg), let o = attrs.u32(Self.aOp),
              let d = ExprAttrs.dataValue(attrs, Self.aData) else { return nil }
        sreg = s; op = o; data = d
    }

    /// libnftnl order: sreg, op, data.
    func encode(into w: inout AttributeWriter) {
        w.putU32(Self.aSreg, sreg)
        w.putU32(Self.aOp, op)
        ExprAttrs.putDataValue(&w, Self.aData, data)
    }
}
