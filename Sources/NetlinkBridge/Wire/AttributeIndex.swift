/// A run of netlink attributes indexed in place, without copying: for each type below 16, where
/// its first occurrence's value lies in `base`. The hot path of dump decoding (tens of thousands
/// of rules) reads every attribute through this instead of `[NetlinkAttribute]`.
///
/// Valid only while `base` is (inside the `withUnsafeBytes` that produced it).
struct AttributeIndex {
    /// Every nf_tables rule, chain, table and expression attribute iptables-nft uses is below 16.
    static let capacity = 16

    let base: UnsafeRawBufferPointer
    /// Value start and end offsets per type (start -1 when absent).
    private var starts = InlineArray<16, Int32>(repeating: -1)
    private var ends = InlineArray<16, Int32>(repeating: 0)
    /// Bit t set: type t present / its NLA_F_NESTED flag set.
    private(set) var present: UInt32 = 0
    private(set) var nestedFlags: UInt32 = 0
    /// How many attributes the run holds (duplicates and out-of-range types included).
    private(set) var count = 0
    /// Some type repeats, or is >= `capacity` (then `has` is false for it and `only` fails).
    private(set) var irregular = false

    /// Indexes `base`; throws on a truncated or malformed length (as `NetlinkAttribute.parse`).
    init(_ base: UnsafeRawBufferPointer) throws {
        self.base = base
        var offset = 0
        while offset + 4 <= base.count {
            let len = Int(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let rawType = base.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)
            guard len >= 4, offset + len <= base.count else {
                throw NetlinkError.malformed("attribute at offset \(offset) has length \(len) beyond \(base.count) bytes")
            }
            let type = Int(rawType & NetlinkAttribute.typeMask)
            count += 1
            if type < Self.capacity, present & (1 << type) == 0 {
                present |= 1 << type
                if rawType & NetlinkAttribute.nestedFlag != 0 { nestedFlags |= 1 << type }
                starts[type] = Int32(offset + 4)
                ends[type] = Int32(offset + len)
            } else {
                irregular = true
            }
            offset += ByteCoding.align4(len)
        }
    }

    @inline(__always) func has(_ type: UInt16) -> Bool { type < Self.capacity && present & (1 << type) != 0 }

    /// True when every attribute's type is in `allowed` (a bit mask) and none repeats.
    func only(_ allowed: UInt32) -> Bool { !irregular && present & ~allowed == 0 }

    /// The value bytes of `type`, in place.
    @inline(__always) func raw(_ type: UInt16) -> UnsafeRawBufferPointer? {
        guard has(type) else { return nil }
        return UnsafeRawBufferPointer(rebasing: base[Int(starts[Int(type)])..<Int(ends[Int(type)])])
    }

    /// Offsets of the value of `type` within `base`.
    func range(_ type: UInt16) -> Range<Int>? {
        guard has(type) else { return nil }
        return Int(starts[Int(type)])..<Int(ends[Int(type)])
    }

    /// A big-endian u32 value (nil unless exactly 4 bytes).
    func u32(_ type: UInt16) -> UInt32? {
        guard let v = raw(type), v.count == 4 else { return nil }
        return UInt32(bigEndian: v.loadUnaligned(as: UInt32.self))
    }

    /// A big-endian u64 value (nil unless exactly 8 bytes).
    func u64(_ type: UInt16) -> UInt64? {
        guard let v = raw(type), v.count == 8 else { return nil }
        return UInt64(bigEndian: v.loadUnaligned(as: UInt64.self))
    }

    /// A NUL-terminated string value.
    func string(_ type: UInt16) -> String? {
        guard let v = raw(type) else { return nil }
        let end = v.firstIndex(of: 0) ?? v.count
        return String(decoding: UnsafeRawBufferPointer(rebasing: v[..<end]), as: UTF8.self)
    }

    /// True when the NUL-terminated string value of `type` equals `text`'s UTF-8.
    func stringEquals(_ type: UInt16, _ text: String) -> Bool {
        guard let v = raw(type) else { return false }
        let end = v.firstIndex(of: 0) ?? v.count
        var text = text
        return text.withUTF8 { utf8 in end == utf8.count && UnsafeRawBufferPointer(rebasing: v[..<end]).elementsEqual(utf8) }
    }

    /// A copy of the value bytes.
    func bytes(_ type: UInt16) -> [UInt8]? { raw(type).map { Array($0) } }

    /// The value of `type` indexed as nested attributes.
    func children(_ type: UInt16) throws -> AttributeIndex? {
        guard let v = raw(type) else { return nil }
        return try AttributeIndex(v)
    }

    /// The only attribute of a nest whose single child has type `type` (nft_data's NFTA_DATA_VALUE
    /// form), as a copy; nil otherwise.
    func single(_ type: UInt16) -> [UInt8]? {
        guard count == 1 else { return nil }
        return bytes(type)
    }

    /// Calls `body` with each attribute of the run (type without flag bits, nested flag, value in
    /// place), in order; throws on a malformed length.
    static func forEach(_ base: UnsafeRawBufferPointer,
                        _ body: (UInt16, Bool, UnsafeRawBufferPointer) throws -> Void) throws {
        var offset = 0
        while offset + 4 <= base.count {
            let len = Int(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let rawType = base.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)
            guard len >= 4, offset + len <= base.count else {
                throw NetlinkError.malformed("attribute at offset \(offset) has length \(len) beyond \(base.count) bytes")
            }
            try body(rawType & NetlinkAttribute.typeMask, rawType & NetlinkAttribute.nestedFlag != 0,
                     UnsafeRawBufferPointer(rebasing: base[(offset + 4)..<(offset + len)]))
            offset += ByteCoding.align4(len)
        }
    }

    /// A bit mask of attribute types, for `only`.
    static func mask(_ types: UInt16...) -> UInt32 { types.reduce(0) { $0 | 1 << UInt32($1) } }
}
