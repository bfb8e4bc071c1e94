/// A batch of netlink messages in wire form, to be sent as one datagram: whole messages laid out
/// back to back in a few large chunks (gathered by one `sendmsg`), so that a batch of any size is
/// never copied into one ever-growing buffer. Sequence numbers are zero until the connection
/// numbers the batch.
public struct BatchDatagram: Sendable {
    /// The chunks, in order; each holds whole messages, each message padded to 4 bytes.
    public internal(set) var chunks: [[UInt8]]
    /// How many messages the chunks hold.
    public internal(set) var messageCount: Int

    init(chunks: [[UInt8]], messageCount: Int) { self.chunks = chunks; self.messageCount = messageCount }

    /// The datagram of `messages` (their sequence numbers and flags as given).
    public init(messages: [NetlinkMessage]) {
        var writer = DatagramWriter(expectedBytes: messages.reduce(0) {
            $0 + NetlinkMessage.headerSize + ByteCoding.align4($1.payload.count)
        })
        for m in messages { writer.append(m) }
        self = writer.finish()
    }

    /// Size on the wire.
    public var byteCount: Int { chunks.reduce(0) { $0 + $1.count } }

    /// The datagram as one contiguous buffer (tests, fakes).
    public var bytes: [UInt8] { Array(chunks.joined()) }

    /// The messages, parsed (for exchanges that take messages, like the fake).
    public func messages() throws -> [NetlinkMessage] {
        var out: [NetlinkMessage] = []
        out.reserveCapacity(messageCount)
        for chunk in chunks { out += try NetlinkMessage.parseAll(chunk) }
        return out
    }

    /// Gives message i sequence number `firstSeq + i` and ORs `flags` into every message's flags.
    mutating func number(firstSeq: UInt32, orFlags flags: UInt16) {
        var seq = firstSeq
        for c in chunks.indices {
            chunks[c].withUnsafeMutableBytes { raw in
                var offset = 0
                while offset + NetlinkMessage.headerSize <= raw.count {
                    let len = Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                    let old = raw.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self)
                    raw.storeBytes(of: old | flags, toByteOffset: offset + 6, as: UInt16.self)
                    raw.storeBytes(of: seq, toByteOffset: offset + 8, as: UInt32.self)
                    seq &+= 1
                    offset += ByteCoding.align4(max(len, NetlinkMessage.headerSize))
                }
            }
        }
    }
}

/// Builds a `BatchDatagram` message by message, writing each header and its attributes in place.
struct DatagramWriter {
    /// The chunk being written; a message's attributes are appended to it between
    /// `beginMessage` and `endMessage`.
    var body: AttributeWriter
    private var chunks: [[UInt8]] = []
    private var messageStart = 0
    private var messageCount = 0

    /// Largest chunk reserved; a batch of ~50 MB is then sent from about a dozen chunks.
    static let chunkCapacity = 4 << 20
    /// A chunk is closed once less than this is left: one nf_tables message is always smaller
    /// (its attribute lengths are u16), so a message never makes a full chunk grow.
    static let headroom = 1 << 17

    /// A writer for a datagram of about `expectedBytes` (only sizes the first chunk).
    init(expectedBytes: Int) {
        body = AttributeWriter(reserving: min(max(expectedBytes, 256), Self.chunkCapacity))
    }

    /// Starts a message: its header, with length and sequence number patched in later.
    mutating func beginMessage(type: UInt16, flags: UInt16) {
        if body.count > Self.chunkCapacity - Self.headroom {
            chunks.append(body.take())
            body = AttributeWriter(reserving: Self.chunkCapacity)
        }
        messageStart = body.count
        body.appendHost(UInt32(0))
        body.appendHost(type)
        body.appendHost(flags)
        body.appendHost(UInt32(0))  // seq
        body.appendHost(UInt32(0))  // port id: the kernel
    }

    /// Ends the message begun last: its length (unpadded, as `NetlinkMessage` encodes it).
    mutating func endMessage() {
        body.patchHost(UInt32(body.count - messageStart), at: messageStart)
        body.pad()
        messageCount += 1
    }

    /// Appends an already built message (sequence number and port id as given).
    mutating func append(_ m: NetlinkMessage) {
        beginMessage(type: m.type, flags: m.flags)
        body.patchHost(m.seq, at: messageStart + 8)
        body.patchHost(m.portID, at: messageStart + 12)
        body.appendRaw(m.payload)
        endMessage()
    }

    /// The datagram written so far.
    mutating func finish() -> BatchDatagram {
        if body.count > 0 || chunks.isEmpty { chunks.append(body.take()) }
        defer { chunks = []; messageCount = 0 }
        return BatchDatagram(chunks: chunks, messageCount: messageCount)
    }
}
