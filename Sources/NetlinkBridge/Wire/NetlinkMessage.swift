/// One netlink message: the `nlmsghdr` fields and the payload that follows it (unpadded).
public struct NetlinkMessage: Sendable, Equatable {
    public static let headerSize = 16

    // nlmsghdr flags and control types (linux/netlink.h).
    public static let request: UInt16 = 0x1
    public static let multi: UInt16 = 0x2
    public static let ack: UInt16 = 0x4
    /// NLM_F_ECHO: send the resulting notification back to the requester too.
    public static let echo: UInt16 = 0x8
    public static let dumpInterrupted: UInt16 = 0x10
    public static let dump: UInt16 = 0x300
    public static let replace: UInt16 = 0x100
    public static let excl: UInt16 = 0x200
    public static let create: UInt16 = 0x400
    public static let append: UInt16 = 0x800
    public static let capped: UInt16 = 0x100
    public static let ackTLVs: UInt16 = 0x200
    public static let noop: UInt16 = 1
    public static let error: UInt16 = 2
    public static let done: UInt16 = 3

    public var type: UInt16
    public var flags: UInt16
    public var seq: UInt32
    public var portID: UInt32
    public var payload: [UInt8]

    public init(type: UInt16, flags: UInt16, seq: UInt32 = 0, portID: UInt32 = 0, payload: [UInt8] = []) {
        self.type = type; self.flags = flags; self.seq = seq; self.portID = portID; self.payload = payload
    }

    /// Header + payload, padded to 4 bytes, as sent on the wire.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.headerSize + ByteCoding.align4(payload.count))
        appendEncoded(to: &out)
        return out
    }

    /// Appends the wire form to `out` (for building one datagram out of many messages).
    public func appendEncoded(to out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(Self.headerSize + payload.count)) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: type) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: flags) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: seq) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: portID) { out.append(contentsOf: $0) }
        out += payload
        for _ in payload.count..<ByteCoding.align4(payload.count) { out.append(0) }
    }

    /// Splits a datagram into its messages.
    public static func parseAll(_ bytes: [UInt8]) throws -> [NetlinkMessage] {
        try bytes.withUnsafeBytes { try parseAll($0) }
    }

    /// `parseAll` reading the datagram in place (each payload is copied into its message).
    static func parseAll(_ bytes: UnsafeRawBufferPointer) throws -> [NetlinkMessage] {
        var out: [NetlinkMessage] = []
        try NetlinkMessageView.forEach(in: bytes) { out.append($0.message) }
        return out
    }
}

/// One message of a received datagram read in place: header fields and payload bytes, valid
/// only while the datagram is (inside `MessageExchange.receive(wait:into:)`).
public struct NetlinkMessageView {
    public var type: UInt16
    public var flags: UInt16
    public var seq: UInt32
    public var portID: UInt32
    public var payload: UnsafeRawBufferPointer

    /// An owned copy.
    public var message: NetlinkMessage {
        NetlinkMessage(type: type, flags: flags, seq: seq, portID: portID, payload: Array(payload))
    }

    /// Calls `body` with each message of a datagram, in order.
    static func forEach(in datagram: UnsafeRawBufferPointer, _ body: (NetlinkMessageView) throws -> Void) throws {
        let h = NetlinkMessage.headerSize
        var offset = 0
        while offset + h <= datagram.count {
            let len = Int(datagram.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            guard len >= h, offset + len <= datagram.count else {
                throw NetlinkError.malformed("message at offset \(offset) has length \(len) in \(datagram.count) bytes")
            }
            try body(NetlinkMessageView(
                type: datagram.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self),
                flags: datagram.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self),
                seq: datagram.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self),
                portID: datagram.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self),
                payload: UnsafeRawBufferPointer(rebasing: datagram[(offset + h)..<(offset + len)])))
            offset += ByteCoding.align4(len)
        }
    }
}

/// The content of an NLMSG_ERROR reply: an errno (0 = ack), the header of the message it answers,
/// and the extended-ack text when the kernel sent one.
public struct NetlinkErrorReply: Sendable, Equatable {
    public var errno: Int32
    public var requestType: UInt16
    public var requestSeq: UInt32
    public var message: String?

    /// Parses an NLMSG_ERROR message; nil if `message` is not one.
    public init?(_ message: NetlinkMessage) {
        guard message.type == NetlinkMessage.error, message.payload.count >= 4 + NetlinkMessage.headerSize,
              let code = ByteCoding.loadHost(message.payload, at: 0, as: Int32.self) else { return nil }
        errno = -code
        requestType = ByteCoding.loadHost(message.payload, at: 8)!
        requestSeq = ByteCoding.loadHost(message.payload, at: 12)!
        self.message = Self.extAckMessage(message)
    }

    public init(errno: Int32, requestType: UInt16, requestSeq: UInt32, message: String? = nil) {
        self.errno = errno; self.requestType = requestType; self.requestSeq = requestSeq; self.message = message
    }

    /// Builds the reply the kernel would send (capped: header only) — for fakes and tests.
    public func encoded(portID: UInt32 = 0) -> NetlinkMessage {
        var payload = ByteCoding.host(-errno)
        payload += NetlinkMessage(type: requestType, flags: 0, seq: requestSeq, portID: portID).encoded()
        return NetlinkMessage(type: NetlinkMessage.error, flags: NetlinkMessage.capped, seq: requestSeq,
                              portID: portID, payload: payload)
    }

    private static func extAckMessage(_ message: NetlinkMessage) -> String? {
        guard message.flags & NetlinkMessage.ackTLVs != 0 else { return nil }
        let origLen = Int(ByteCoding.loadHost(message.payload, at: 4, as: UInt32.self) ?? 0)
        let start = message.flags & NetlinkMessage.capped != 0
            ? 4 + NetlinkMessage.headerSize : 4 + ByteCoding.align4(origLen)
        guard start <= message.payload.count,
              let attrs = try? NetlinkAttribute.parse(Array(message.payload[start...])),
              let text = attrs.first(1) else { return nil }  // NLMSGERR_ATTR_MSG
        return text.string
    }
}
