/// The test seam of the wire layer: sends datagrams of netlink messages and receives reply
/// datagrams. The real implementation is `NetlinkSocket`; tests use `FakeExchange`.
public protocol MessageExchange: AnyObject {
    /// The port id the kernel assigned to us (0 for the fake is fine).
    var portID: UInt32 { get }
    /// Sends `messages` as one datagram (a batch must be one datagram).
    func send(_ messages: [NetlinkMessage]) throws
    /// Sends a batch built in wire form as one datagram.
    func send(_ datagram: BatchDatagram) throws
    /// Receives one datagram. With `wait == false`, returns nil when nothing is pending.
    func receive(wait: Bool) throws -> [NetlinkMessage]?
    /// Receives one datagram and hands its raw bytes to `body`, valid only during the call (the
    /// dump path reads replies in place). Returns false when `wait == false` and nothing is pending.
    func receive(wait: Bool, into body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool
}

extension MessageExchange {
    /// Parses the datagram back into messages (for exchanges that only take messages, like the fake).
    public func send(_ datagram: BatchDatagram) throws { try send(try datagram.messages()) }

    /// Re-encodes the parsed datagram (for exchanges that only hold parsed messages, like the fake).
    public func receive(wait: Bool, into body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        guard let messages = try receive(wait: wait) else { return false }
        var bytes: [UInt8] = []
        for m in messages { m.appendEncoded(to: &bytes) }
        try bytes.withUnsafeBytes(body)
        return true
    }
}
