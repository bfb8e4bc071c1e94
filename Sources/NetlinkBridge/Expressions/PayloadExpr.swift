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

    init?(_ attrs: [NetlinkAttribute]) {
        guard ExprAttrs.only(attrs, [Self.aDreg, Self.aBase, Self.aOffset, Self.aLen]),
              let d = attrs.first(Self.aDreg)?.u32, let b = attrs.first(Self.aBase)?.u32,
              let o = attrs.first(Self.aOffset)?.u32, let l = attrs.first(Self.aLen)?.u32 else { return nil }
        dreg = d; base = b; offset = o; len = l
    }

    /// libnftnl order: dreg, base, offset, len.
    func encode() -> [UInt8] {
        var w = AttributeWriter()
        w.putU32(Self.aDreg, dreg)
        w.putU32(Self.aBase, base)
        w.putU32(Self.aOffset, offset)
        w.putU32(Self.aLen, len)
        return w.bytes
    }
}
