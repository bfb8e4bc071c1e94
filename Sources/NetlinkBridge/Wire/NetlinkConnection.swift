/// Request/reply logic over a `MessageExchange`, knowing nothing of nf_tables: sequence numbers,
/// acknowledged requests, multipart dumps with redump on NLM_F_DUMP_INTR, and batches whose
/// error replies are mapped back to the message that caused them.
public final class NetlinkConnection {
    public let exchange: MessageExchange
    private var nextSeq: UInt32
    /// How many times an interrupted dump is restarted before giving up (every restart follows a
    /// commit by someone else; a busy node's writers must not make a chain unreadable).
    public var dumpAttempts = 50
    /// How many dumps were restarted because of NLM_F_DUMP_INTR (for tests and diagnostics).
    public private(set) var redumps = 0

    /// Counts a restart decided by a caller (e.g. a snapshot whose generation moved).
    public func noteRedump() { redumps += 1 }

    public init(exchange: MessageExchange, firstSeq: UInt32 = 1) {
        self.exchange = exchange
        self.nextSeq = firstSeq
    }

    /// Hands out the next sequence number.
    public func takeSeq() -> UInt32 {
        defer { nextSeq = nextSeq &+ 1; if nextSeq == 0 { nextSeq = 1 } }
        return nextSeq
    }

    /// Sends `message` with NLM_F_ACK and returns the replies that precede the ack.
    public func request(_ message: NetlinkMessage, operation: String) throws -> [NetlinkMessage] {
        var m = message
        m.seq = takeSeq()
        m.flags |= NetlinkMessage.request | NetlinkMessage.ack
        try exchange.send([m])
        var replies: [NetlinkMessage] = []
        while let datagram = try exchange.receive(wait: true) {
            for reply in datagram where reply.seq == m.seq {
                if let err = NetlinkErrorReply(reply) {
                    if err.errno == 0 { return replies }
                    throw NetlinkError.kernel(operation: operation, errno: err.errno, message: err.message)
                }
                replies.append(reply)
            }
        }
        throw NetlinkError.noReply(operation: operation)
    }

    /// Runs a dump request; restarts it when the kernel flags the result inconsistent.
    public func dump(_ message: NetlinkMessage, operation: String) throws -> [NetlinkMessage] {
        var out: [NetlinkMessage] = []
        try dump(message, operation: operation, restart: { out.removeAll() }) { out.append($0.message) }
        return out
    }

    /// Runs a dump request handing each reply to `body` in place, as it arrives; when the kernel
    /// flags the result inconsistent (NLM_F_DUMP_INTR), drains it, calls `restart` and dumps again.
    public func dump(_ message: NetlinkMessage, operation: @autoclosure () -> String, restart: () -> Void,
                     each body: (NetlinkMessageView) throws -> Void) throws {
        for attempt in 0..<max(1, dumpAttempts) {
            if attempt > 0 { restart() }
            if try !dumpOnce(message, operation: operation, body) { return }
            redumps += 1
        }
        throw NetlinkError.dumpInterrupted(operation: operation(), attempts: dumpAttempts)
    }

    /// One dump; returns whether it was interrupted.
    private func dumpOnce(_ message: NetlinkMessage, operation: () -> String,
                          _ body: (NetlinkMessageView) throws -> Void) throws -> Bool {
        var m = message
        m.seq = takeSeq()
        m.flags |= NetlinkMessage.request | NetlinkMessage.dump
        try exchange.send([m])
        var interrupted = false, finished = false
        while !finished {
            let received = try exchange.receive(wait: true) { datagram in
                try NetlinkMessageView.forEach(in: datagram) { reply in
                    guard !finished, reply.seq == m.seq else { return }
                    if reply.flags & NetlinkMessage.dumpInterrupted != 0 { interrupted = true }
                    switch reply.type {
                    case NetlinkMessage.done: finished = true
                    case NetlinkMessage.error:
                        let err = NetlinkErrorReply(reply.message)
                        if err?.errno == 0 { finished = true; return }
                        throw NetlinkError.kernel(operation: operation(), errno: err?.errno ?? 0, message: err?.message)
                    case NetlinkMessage.noop: return
                    default: try body(reply)
                    }
                }
            }
            guard received else { throw NetlinkError.noReply(operation: operation()) }
        }
        return interrupted
    }

    /// Sends `messages` as one datagram, numbering them consecutively, then drains every reply the
    /// kernel queued while processing it (nfnetlink handles a batch synchronously inside sendmsg).
    /// Returns the sequence number given to each message (same order) and the error replies.
    public func sendBatch(_ messages: [NetlinkMessage]) throws -> (seqs: [UInt32], errors: [NetlinkErrorReply]) {
        let replies = try sendBatch(messages) { _, _ in }
        if let overrun = replies.overrun { throw overrun }
        return (replies.seqs, replies.errors)
    }

    /// `sendBatch(_:)` that also hands every non-error reply answering a message of the batch (an
    /// NLM_F_ECHO notification, say) to `body`, read in place, with the index of that message. A
    /// receive buffer overrun does not end the drain: it is returned, as some replies were lost.
    public func sendBatch(_ messages: [NetlinkMessage],
                          replies body: (_ index: Int, _ reply: NetlinkMessageView) throws -> Void) throws -> BatchReplies {
        var datagram = BatchDatagram(messages: messages)
        return try sendBatch(&datagram, replies: body)
    }

    /// `sendBatch(_:replies:)` for a batch already in wire form: numbers its messages in place
    /// (consecutive sequence numbers, NLM_F_REQUEST) and sends it as is.
    public func sendBatch(_ datagram: inout BatchDatagram,
                          replies body: (_ index: Int, _ reply: NetlinkMessageView) throws -> Void) throws -> BatchReplies {
        let count = datagram.messageCount
        let first = takeSeqs(count)
        datagram.number(firstSeq: first, orFlags: NetlinkMessage.request)
        var out = BatchReplies(seqs: (0..<count).map { first &+ UInt32($0) })
        try exchange.send(datagram)
        while true {
            do {
                let received = try exchange.receive(wait: false) { bytes in
                    try NetlinkMessageView.forEach(in: bytes) { reply in
                        let index = Int(reply.seq &- first)
                        guard index < count else { return }
                        guard reply.type == NetlinkMessage.error else { return try body(index, reply) }
                        if let err = NetlinkErrorReply(reply.message), err.errno != 0 { out.errors.append(err) }
                    }
                }
                if !received { return out }
            } catch let error as NetlinkError where error.isOverrun {
                out.overrun = error
            }
        }
    }

    /// Hands out `count` consecutive sequence numbers (none of them 0) and returns the first.
    func takeSeqs(_ count: Int) -> UInt32 {
        if UInt64(nextSeq) + UInt64(count) > UInt64(UInt32.max) { nextSeq = 1 }
        let first = nextSeq
        nextSeq = nextSeq &+ UInt32(count)
        if nextSeq == 0 { nextSeq = 1 }
        return first
    }
}
