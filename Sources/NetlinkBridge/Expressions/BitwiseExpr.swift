/// `bitwise` (mask-and-xor form): `dreg = (sreg & mask) ^ xor` over `len` bytes.
public struct BitwiseExpr: Hashable, Sendable {
    public static let name = "bitwise"
    static let aSreg: UInt16 = 1, aDreg: UInt16 = 2, aLen: UInt16 = 3, aMask: UInt16 = 4, aXor: UInt16 = 5
    static let aOp: UInt16 = 6

    public var sreg: UInt32
    public var dreg: UInt32
    public var len: UInt32
    public var mask: [UInt8]
    public var xor: [UInt8]

    public init(mask: [UInt8], xor: [UInt8]? = nil, sreg: UInt32 = 1, dreg: UInt32 = 1) {
        self.sreg = sreg; self.dreg = dreg; self.len = UInt32(mask.count); self.mask = mask
        self.xor = xor ?? [UInt8](repeating: 0, count: mask.count)
    }

    static let allowed = AttributeIndex.mask(aSreg, aDreg, aLen, aMask, aXor, aOp)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed),
              attrs.u32(Self.aOp) ?? 0 == 0,  // NFT_BITWISE_BOOL only
              let s = attrs.u32(Self.aSreg), let d = attrs.u32(Self.aDreg),
              let l = attrs.u32(Self.aLen),
              let m = ExprAttrs.dataValue(attrs, Self.aMask),
              let x = ExprAttrs.dataValue(attrs, Self.aXor) else { return nil }
        sreg = s; dreg = d; len = l; mask = m; xor = x
    }

    /// libnftnl order: sreg, dreg, len, mask, xor (no op attribute for the boolean form).
    func encode(into w: inout AttributeWriter) {
        w.putU32(Self.aSreg, sreg)
        w.putU32(Self.aDreg, dreg)
        w.putU32(Self.aLen, len)
        ExprAttrs.putDataValue(&w, Self.aMask, mask)
        ExprAttrs.putDataValue(&w, Self.aXor, xor)
    }
}
