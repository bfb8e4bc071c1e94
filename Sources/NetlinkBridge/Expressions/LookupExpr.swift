/// `lookup`: register in a named set (iptables-nft uses it only for some among-style matches).
public struct LookupExpr: Hashable, Sendable {
    public static let name = "lookup"
    static let aSet: UInt16 = 1, aSreg: UInt16 = 2, aDreg: UInt16 = 3, aSetID: UInt16 = 4, aFlags: UInt16 = 5

    public var set: String
    public var sreg: UInt32
    public var dreg: UInt32?
    public var setID: UInt32?
    public var flags: UInt32?

    static let allowed = AttributeIndex.mask(aSet, aSreg, aDreg, aSetID, aFlags)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed), let s = attrs.string(Self.aSet), let r = attrs.u32(Self.aSreg) else { return nil }
        set = s; sreg = r
        dreg = attrs.u32(Self.aDreg)
        setID = attrs.u32(Self.aSetID)
        flags = attrs.u32(Self.aFlags)
    }

    func encode(into w: inout AttributeWriter) {
        w.putU32(Self.aSreg, sreg)
        if let dreg { w.putU32(Self.aDreg, dreg) }
        w.putString(Self.aSet, set)
        if let setID { w.putU32(Self.aSetID, setID) }
        if let flags { w.putU32(Self.aFlags, flags) }
    }
}
