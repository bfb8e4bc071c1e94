/// `meta`: load a packet meta key into a register (or set it from one).
public struct MetaExpr: Hashable, Sendable {
    public static let name = "meta"
    // NFTA_META_*
    static let aDreg: UInt16 = 1, aKey: UInt16 = 2, aSreg: UInt16 = 3

    /// NFT_META_* keys iptables-nft uses.
    public enum Key {
        public static let len: UInt32 = 0, proto: UInt32 = 1, mark: UInt32 = 3, iif: UInt32 = 4, oif: UInt32 = 5
        public static let iifname: UInt32 = 6, oifname: UInt32 = 7, nfproto: UInt32 = 15, l4proto: UInt32 = 16
        public static let pkttype: UInt32 = 18, bridgeIifname: UInt32 = 20, bridgeOifname: UInt32 = 21
    }

    public var key: UInt32
    public var dreg: UInt32?
    public var sreg: UInt32?

    public init(key: UInt32, dreg: UInt32? = 1, sreg: UInt32? = nil) { self.key = key; self.dreg = dreg; self.sreg = sreg }

    static let allowed = AttributeIndex.mask(aDreg, aKey, aSreg)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed), let k = attrs.u32(Self.aKey) else { return nil }
        key = k
        dreg = attrs.u32(Self.aDreg)
        sreg = attrs.u32(Self.aSreg)
        guard (dreg == nil) != (sreg == nil) else { return nil }
    }

    /// libnftnl order: key, dreg, sreg.
    func encode(into w: inout AttributeWriter) {
        w.putU32(Self.aKey, key)
        if let dreg { w.putU32(Self.aDreg, dreg) }
        if let sreg { w.putU32(Self.aSreg, sreg) }
    }
}
