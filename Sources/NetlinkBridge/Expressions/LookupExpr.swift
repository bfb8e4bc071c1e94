/// `lookup`: register in a named set (iptables-nft uses it only for some among-style matches).
public struct LookupExpr: Hashable, Sendable {
    public static let name = "lookup"
    static let aSet: UInt16 = 1, aSreg: UInt16 = 2, aDreg: UInt16 = 3, aSetID: UInt16 = 4, aFlags: UInt16 = 5

    public var set: String
    public var sreg: UInt32
    public var dreg: UInt32?
    public var setID: UInt32?
    public var flags: UInt32?

    init?(_ attrs: [NetlinkAttribute]) {
        guard ExprAttrs.only(attrs, [Self.aSet, Self.aSreg, Self.aDreg, Self.aSetID, Self.aFlags]),
              let s = attrs.first(Self.aSet)?.string, let r = attrs.first(Self.aSreg)?.u32 else { return nil }
        set = s; sreg = r
        dreg = attrs.first(Self.aDreg)?.u32
        setID = attrs.first(Self.aSetID)?.u32
        flags = attrs.first(Self.aFlags)?.u32
    }

    func encode() -> [UInt8] {
        var w = AttributeWriter()
        w.putU32(Self.aSreg, sreg)
        if let dreg { w.putU32(Self.aDreg, dreg) }
        w.putString(Self.aSet, set)
        if let setID { w.putU32(Self.aSetID, setID) }
        if let flags { w.putU32(Self.aFlags, flags) }
        return w.bytes
    }
}
