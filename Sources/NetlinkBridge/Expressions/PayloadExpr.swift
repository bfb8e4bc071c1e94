/// `payload`: load `len` bytes at `offset` from a header base into a register.
public struct PayloadExpr: Hashable, Sendable {
    public static let name = "payload"
    static let aDreg: UInt16 = 1, aBase: UInt16 = 2, aOffset: UInt16 = 3, aLen: UInt16 = 4

    /// NFT_PAYLOAD_* bases.
    public enum Base {
        public static let link: UInt32 = 0, network: UInt32 = 1, transport: UInt32 = 2
    }

    public var dreg: UInt32
    public var base: UInt32
    public var offset: UInt32
    public var len: UInt32

    public init(base: UInt32, offset: UInt32, len: UInt32, dreg: UInt32 = 1) {
        self.base = base; self.offset = offset; self.len = len; self.dreg = dreg
    }

    static let allowed = AttributeIndex.mask(aDreg, aBase, aOffset, aLen)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed), let d = attrs.u32(Self.aDreg), let b = attrs.u32(Self.aBase),
              let o = attrs.u32(Self.aOffset), let l = attrs.u32(Self.aLen) else { return nil }
        dreg = d; base = b; offset = o; len = l
    }

    /// libnftnl order: dreg, base, offset, len.
    func encode(into w: inout AttributeWriter) {
        w.putU32(Self.aDreg, dreg)
        w.putU32(Self.aBase, base)
        w.putU32(Self.aOffset, offset)
        w.putU32(Self.aLen, len)
    }
}
