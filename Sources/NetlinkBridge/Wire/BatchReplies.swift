import Glibc

/// What the kernel queued in answer to one batch datagram (see `NetlinkConnection.sendBatch`).
public struct BatchReplies: Sendable {
    /// The sequence number given to each message of the batch, in order.
    public var seqs: [UInt32]
    /// The error replies (errno != 0) to messages of the batch, in arrival order.
    public var errors: [NetlinkErrorReply] = []
    /// The receive error (ENOBUFS) met while draining when the socket overran: the kernel dropped
    /// some replies, which ones is unknown. Nil when every reply arrived.
    public var overrun: NetlinkError?

    public init(seqs: [UInt32], errors: [NetlinkErrorReply] = [], overrun: NetlinkError? = nil) {
        self.seqs = seqs; self.errors = errors; self.overrun = overrun
    }
}

extension NetlinkError {
    /// True for a receive that failed because the socket's receive buffer overran (ENOBUFS).
    public var isOverrun: Bool {
        if case .system(_, ENOBUFS) = self { return true }
        return false
    }
}
