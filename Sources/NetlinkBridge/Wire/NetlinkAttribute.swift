/// One netlink attribute (TLV): its type number without the NLA_F_NESTED / NLA_F_NET_BYTEORDER
/// flag bits, whether the nested flag was set, and its value bytes (without padding).
public struct NetlinkAttribute: Sendable, Equatable, Hashable {
    public static let nestedFlag: UInt16 = 0x8000
    public static let byteOrderFlag: UInt16 = 0x4000
    public static let typeMask: UInt16 = 0x3fff

    public var type: UInt16
    public var nested: Bool
    public var value: [UInt8]

    public init(type: UInt16, nested: Bool = false, value: [UInt8]) {
        self.type = type; self.nested = nested; self.value = value
    }

    /// The value as a big-endian u32 (nf_tables' integer convention).
    public var u32: UInt32? { value.count == 4 ? ByteCoding.loadBig(value, at: 0, as: UInt32.self) : nil }
    /// The value as a big-endian u64.
    public var u64: UInt64? { value.count == 8 ? ByteCoding.loadBig(value, at: 0, as: UInt64.self) : nil }
    /// The value as a NUL-terminated string.
    public var string: String { ByteCoding.string(value) }
    /// The value parsed as nested attributes.
    public func children() throws -> [NetlinkAttribute] { try NetlinkAttribute.parse(value) }

    /// Parses a run of attributes; throws on a truncated or malformed length.
    public static func parse(_ bytes: [UInt8]) throws -> [NetlinkAttribute] {
        var out: [NetlinkAttribute] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let len = Int(ByteCoding.loadHost(bytes, at: offset, as: UInt16.self)!)
            let rawType = ByteCoding.loadHost(bytes, at: offset + 2, as: UInt16.self)!
            guard len >= 4, offset + len <= bytes.count else {
                throw NetlinkError.malformed("attribute at offset \(offset) has length \(len) beyond \(bytes.count) bytes")
            }
            out.append(NetlinkAttribute(type: rawType & typeMask, nested: rawType & nestedFlag != 0,
                                        value: Array(bytes[(offset + 4)..<(offset + len)])))
            offset += ByteCoding.align4(len)
        }
        return out
    }
}

extension Array where Element == NetlinkAttribute {
    /// The first attribute of `type`, if any.
    public func first(_ type: UInt16) -> NetlinkAttribute? { first { $0.type == type } }
    /// The first attribute of a C enum type, if any.
    public func first<T: RawRepresentable>(_ type: T) -> NetlinkAttribute? where T.RawValue: BinaryInteger {
        first(UInt16(type.rawValue))
    }
}
