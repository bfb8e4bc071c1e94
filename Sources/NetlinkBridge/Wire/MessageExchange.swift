/// The test seam of the wire layer: sends datagrams of netlink messages and receives reply
/// datagrams. The real implementation is `NetlinkSocket`; tests use `FakeExchange`.
public protocol MessageExchange: AnyObject {
    /// The port id the kernel assigned to us (0 for the fake is fine).
    var portID: UInt32 { get }
    /// Sends `messages` as one datagram (a batch must be one datagram).
    func send(_ messages: [NetlinkMessage]) throws
    /// Receives one datagram. With `wait == false`, returns nil when nothing is pending.
    func receive(wait: Bool) throws -> [NetlinkMessage]?
}
