/// Builds a run of netlink attributes the way libmnl does (`mnl_attr_put*`): 4-byte header,
/// unpadded length, zero padding to 4 bytes, NLA_F_NESTED on nests. Everything is written
/// straight into one buffer; a nest reserves its header and patches the length afterwards.
public struct AttributeWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// An empty writer with room for `capacity` bytes.
    init(reserving capacity: Int) { bytes.reserveCapacity(capacity) }

    /// The bytes written, handed over without a copy, leaving the writer empty.
    mutating func take() -> [UInt8] {
        var out: [UInt8] = []
        swap(&out, &bytes)
        return out
    }

    /// How many bytes are written.
    var count: Int { bytes.count }

    /// Appends an attribute with raw `value` bytes.
    public mutating func put(_ type: UInt16, _ value: [UInt8], nested: Bool = false) {
        header(UInt16(4 + value.count), nested ? type | NetlinkAttribute.nestedFlag : type)
        bytes += value
        pad()
    }
    /// Appends a big-endian u32 attribute.
    public mutating func putU32(_ type: UInt16, _ value: UInt32) {
        header(8, type)
        append(value.bigEndian)
    }
    /// Appends a big-endian u64 attribute.
    public mutating func putU64(_ type: UInt16, _ value: UInt64) {
        header(12, type)
        append(value.bigEndian)
    }
    /// Appends a NUL-terminated string attribute (`mnl_attr_put_strz`).
    public mutating func putString(_ type: UInt16, _ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            header(UInt16(4 + utf8.count + 1), type)
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0)
        pad()
    }
    /// Appends a nested attribute whose body `build` writes.
    public mutating func nest(_ type: UInt16, _ build: (inout AttributeWriter) -> Void) {
        let start = bytes.count
        header(0, type | NetlinkAttribute.nestedFlag)
        build(&self)
        let len = UInt16(bytes.count - start)
        patchHost(len, at: start)
        pad()
    }
    /// Re-appends an already parsed attribute unchanged.
    public mutating func put(_ attribute: NetlinkAttribute) {
        put(attribute.type, attribute.value, nested: attribute.nested)
    }

    /// Appends bytes that are already an attribute run (an undecoded expression's data).
    mutating func appendRaw(_ raw: [UInt8]) { bytes += raw }

    /// Appends a host-order integer with no attribute header (e.g. a netlink message header field).
    mutating func appendHost<T: FixedWidthInteger>(_ value: T) { append(value) }

    /// Overwrites the host-order integer at byte `offset` (e.g. a length known only afterwards).
    mutating func patchHost<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value, toByteOffset: offset, as: T.self) }
    }

    private mutating func header(_ len: UInt16, _ type: UInt16) {
        append(len)
        append(type)
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        // Byte by byte: for 1-8 bytes far cheaper than the generic append(contentsOf:).
        withUnsafeBytes(of: value) { raw in
            for byte in raw { bytes.append(byte) }
        }
    }

    mutating func pad() {
        while bytes.count & 3 != 0 { bytes.append(0) }
    }
}
