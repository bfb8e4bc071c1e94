/// `counter`: packets and bytes (the kernel also dumps a pad attribute, ignored).
public struct CounterExpr: Hashable, Sendable {
    public static let name = "counter"
    static let aBytes: UInt16 = 1, aPackets: UInt16 = 2, aPad: UInt16 = 3

    public var packets: UInt64
    public var bytes: UInt64

    public init(packets: UInt64 = 0, bytes: UInt64 = 0) { self.packets = packets; self.bytes = bytes }

    static let allowed = AttributeIndex.mask(aBytes, aPackets, aPad)

    init?(_ attrs: AttributeIndex) {
        guard attrs.only(Self.allowed) else { return nil }
        bytes = attrs.u64(Self.aBytes) ?? 0
        packets = attrs.u64(Self.aPackets) ?? 0
    }

    /// libnftnl order: bytes, packets.
    func encode(into w: inout AttributeWriter) {
        w.putU64(Self.aBytes, bytes)
        w.putU64(Self.aPackets, packets)
    }
}
