/// Builds a run of netlink attributes the way libmnl does (`mnl_attr_put*`): 4-byte header,
/// unpadded length, zero padding to 4 bytes, NLA_F_NESTED on nests.
public struct AttributeWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends an attribute with raw `value` bytes.
    public mutating func put(_ type: UInt16, _ value: [UInt8], nested: Bool = false) {
        let len = UInt16(4 + value.count)
        bytes += ByteCoding.host(len)
        bytes += ByteCoding.host(nested ? type | NetlinkAttribute.nestedFlag : type)
        bytes += value
        bytes += [UInt8](repeating: 0, count: ByteCoding.align4(value.count) - value.count)
    }
    /// Appends a big-endian u32 attribute.
    public mutating func putU32(_ type: UInt16, _ value: UInt32) { put(type, ByteCoding.big(value)) }
    /// Appends a big-endian u64 attribute.
    public mutating func putU64(_ type: UInt16, _ value: UInt64) { put(type, ByteCoding.big(value)) }
    /// Appends a NUL-terminated string attribute (`mnl_attr_put_strz`).
    public mutating func putString(_ type: UInt16, _ value: String) { put(type, ByteCoding.cString(value)) }
    /// Appends a nested attribute whose body `build` writes.
    public mutating func nest(_ type: UInt16, _ build: (inout AttributeWriter) -> Void) {
        var inner = AttributeWriter()
        build(&inner)
        put(type, inner.bytes, nested: true)
    }
    /// Re-appends an already parsed attribute unchanged.
    public mutating func put(_ attribute: NetlinkAttribute) {
        put(attribute.type, attribute.value, nested: attribute.nested)
    }
}
