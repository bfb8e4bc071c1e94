/// `match` / `target` (nft_compat): an xtables extension by name and revision with its raw
/// `xt_*_info` struct bytes (as the kernel stores them: the userspace struct, padded).
public struct XtExpr: Hashable, Sendable {
    static let aName: UInt16 = 1, aRev: UInt16 = 2, aInfo: UInt16 = 3

    public var extensionName: String
    public var revision: UInt32
    public var info: [UInt8]

    public init(name: String, revision: UInt32, info: [UInt8]) {
        extensionName = name; self.revision = revision; self.info = info
    }

    static let allowed = AttributeIndex.mask(aName, aRev, aInfo)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed), let n = attrs.string(Self.aName), let r = attrs.u32(Self.aRev) else { return nil }
        extensionName = n; revision = r
        info = attrs.bytes(Self.aInfo) ?? []
    }

    /// libnftnl order: name, rev, info.
    func encode(into w: inout AttributeWriter) {
        w.putString(Self.aName, extensionName)
        w.putU32(Self.aRev, revision)
        w.put(Self.aInfo, info)
    }
}
