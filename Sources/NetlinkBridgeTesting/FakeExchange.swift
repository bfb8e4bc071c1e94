public import NetlinkBridge

/// An in-memory `MessageExchange` for tests: every sent datagram is recorded and handed to a
/// responder that returns the reply datagrams (delivered in order, as the kernel queues them).
public final class FakeExchange: MessageExchange {
    public typealias Responder = (_ sent: [NetlinkMessage]) throws -> [[NetlinkMessage]]

    public let portID: UInt32 = 4242
    public private(set) var sent: [[NetlinkMessage]] = []
    private var pending: [[NetlinkMessage]] = []
    private let responder: Responder

    public init(responder: @escaping Responder) { self.responder = responder }

    public func send(_ messages: [NetlinkMessage]) throws {
        sent.append(messages)
        pending += try responder(messages)
    }

    public func receive(wait: Bool) throws -> [NetlinkMessage]? {
        if pending.isEmpty {
            if wait { throw NetlinkError.noReply(operation: "fake receive") }
            return nil
        }
        return pending.removeFirst()
    }
}
