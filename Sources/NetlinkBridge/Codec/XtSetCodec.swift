import Reconciler

/// `-m set` (xt_set match) <-> `SetMatch`. The blob holds the set's kernel index, not its name:
/// decoding needs the namespace's index -> name table, and encoding leaves the index to be bound
/// at commit time (`IpsetBinding`), when the client can ask its own namespace.
///
/// Layouts (x86-64): `xt_set_info` {u16 index, u8 dim, u8 flags} is common to revisions 1-4;
/// rev 1/2 are that struct padded to 8 bytes (rev 2 adds IPSET_RETURN_NOMATCH to its flags);
/// rev 3/4 (`xt_set_info_match_v3/_v4`, 48 bytes) add packet/byte counter matches and a u32
/// flags word; rev 3 stores each counter as {u8 op, u64 value}, rev 4 as {u64 value, u8 op}.
/// iptables-nft 1.8.9 writes revision 4.
enum XtSetCodec {
    static let revision: UInt32 = 4
    static let size = 48
    /// IPSET_INV_MATCH in `xt_set_info.flags`; bit i (1...dim) set = src for dimension i.
    static let invMatch: UInt8 = 1
    /// IPSET_RETURN_NOMATCH in rev 2's `xt_set_info.flags`.
    static let returnNoMatchV2: UInt8 = 0x80
    /// IPSET_FLAG_RETURN_NOMATCH in rev 3/4's flags word.
    static let returnNoMatch: UInt32 = 0x80
    static let maxDimensions = 6
    /// What the encoder writes until the client binds the real index (IPSET_INVALID_ID).
    static let unboundIndex: UInt16 = 0xffff

    /// The set index a blob refers to (nil when it is not a set match we read).
    static func index(of x: XtExpr) -> UInt16? {
        guard x.extensionName == "set", (1...4).contains(x.revision), x.info.count >= 4 else { return nil }
        return InfoBlob(x.info).u16(0)
    }

    static func decode(_ x: XtExpr, ipsetNames: [UInt16: String]) throws -> Match {
        let b = InfoBlob(x.info)
        let expected = x.revision <= 2 ? 8 : size
        guard b.count == expected else { throw CodecFailure("xt match set rev \(x.revision): \(b.count) bytes") }
        let index = b.u16(0), dim = Int(b.u8(2)), flags = b.u8(3)
        guard (1...maxDimensions).contains(dim) else { throw CodecFailure("xt match set dimension \(dim)") }
        let dirBits = UInt8(((1 << (dim + 1)) - 1) & ~1)
        var known = invMatch | dirBits
        if x.revision == 2 { known |= returnNoMatchV2 }
        guard flags & ~known == 0 else { throw CodecFailure("xt match set flags 0x\(String(flags, radix: 16))") }
        var noMatch = x.revision == 2 && flags & returnNoMatchV2 != 0
        if x.revision >= 3 {
            // Counter matches and the update-counters flags have no place in the AST: keep opaque.
            let word = b.u32(40)
            guard word & ~returnNoMatch == 0, b.zero(except: [0..<4, 40..<44]) else {
                throw CodecFailure("xt match set rev \(x.revision) counter options or flags 0x\(String(word, radix: 16))")
            }
            noMatch = word & returnNoMatch != 0
        } else if !b.zero(except: [0..<4]) {
            throw CodecFailure("xt match set rev \(x.revision) padding")
        }
        guard let name = ipsetNames[index] else {
            throw CodecFailure("ipset index \(index) has no name in this namespace")
        }
        return .set(SetMatch(setName: name, directions: (1...dim).map { flags & (1 << $0) != 0 },
                             negated: flags & invMatch != 0, returnNoMatch: noMatch))
    }

    /// Revision 4 with the index left unbound (IPSET_INVALID_ID); see `IpsetBinding`.
    static func encode(_ s: SetMatch) throws -> XtExpr {
        guard (1...maxDimensions).contains(s.directions.count) else {
            throw CodecFailure("-m set with \(s.directions.count) directions (1...\(maxDimensions))")
        }
        guard !s.setName.isEmpty, s.setName.utf8.count < 32 else { throw CodecFailure("ipset name \(s.setName)") }
        var flags: UInt8 = s.negated ? invMatch : 0
        for (i, src) in s.directions.enumerated() where src { flags |= 1 << (i + 1) }
        var b = InfoBlob(size: size)
        b.setU16(0, unboundIndex)
        b.setU8(2, UInt8(s.directions.count))
        b.setU8(3, flags)
        b.setU32(40, s.returnNoMatch ? returnNoMatch : 0)
        return XtExpr(name: "set", revision: revision, info: b.bytes)
    }

    /// `x` with its set index bound to `index`.
    static func bind(_ x: XtExpr, index: UInt16) -> XtExpr {
        var b = InfoBlob(x.info)
        b.setU16(0, index)
        return XtExpr(name: x.extensionName, revision: x.revision, info: b.bytes)
    }
}
