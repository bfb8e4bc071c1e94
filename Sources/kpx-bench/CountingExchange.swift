import NetlinkBridge

/// A `MessageExchange` that counts the netlink messages and bytes going each way.
final class CountingExchange: MessageExchange {
    let inner: MessageExchange
    var sentMessages = 0
    var sentBytes = 0
    var receivedMessages = 0
    var receivedBytes = 0
    /// Batches (datagrams) sent, i.e. sends of more than one message.
    var sendCalls = 0

    init(_ inner: MessageExchange) { self.inner = inner }

    var portID: UInt32 { inner.portID }

    func send(_ messages: [NetlinkMessage]) throws {
        sendCalls += 1
        sentMessages += messages.count
        for m in messages { sentBytes += Self.size(m) }
        try inner.send(messages)
    }

    func send(_ datagram: BatchDatagram) throws {
        sendCalls += 1
        sentMessages += datagram.messageCount
        sentBytes += datagram.byteCount
        try inner.send(datagram)
    }

    func receive(wait: Bool) throws -> [NetlinkMessage]? {
        let got = try inner.receive(wait: wait)
        if let got {
            receivedMessages += got.count
            for m in got { receivedBytes += Self.size(m) }
        }
        return got
    }

    /// The in-place receive of the inner exchange (the dump path), counted without parsing.
    func receive(wait: Bool, into body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        try inner.receive(wait: wait) { datagram in
            receivedBytes += datagram.count
            var offset = 0
            while offset + 4 <= datagram.count {
                let length = Int(datagram.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                guard length >= NetlinkMessage.headerSize else { break }
                receivedMessages += 1
                offset += (length + 3) & ~3
            }
            try body(datagram)
        }
    }

    func reset() { sentMessages = 0; sentBytes = 0; receivedMessages = 0; receivedBytes = 0; sendCalls = 0 }

    /// Aligned on-the-wire size of one message.
    static func size(_ m: NetlinkMessage) -> Int { (NetlinkMessage.headerSize + m.payload.count + 3) & ~3 }

    var counters: [String: Double] {
        ["nlTxMessages": Double(sentMessages), "nlTxBytes": Double(sentBytes),
         "nlRxMessages": Double(receivedMessages), "nlRxBytes": Double(receivedBytes)]
    }
}

/// The counting sockets of one client in namespace `netns`: its own and those it opens for
/// parallel reads, with their counters summed.
final class CountingSockets {
    let netns: String
    private(set) var exchanges: [CountingExchange] = []

    init(netns: String) { self.netns = netns }

    /// A client on a new counting socket that opens further counting sockets (counted here
    /// too) when it reads a large table in parallel.
    func client() throws -> NftClient {
        NftClient(exchange: try open(), opener: { NftClient(exchange: try self.open()) })
    }

    /// A new counting socket in the namespace.
    func open() throws -> CountingExchange {
        let exchange = CountingExchange(try NetlinkSocket(netns: netns))
        exchanges.append(exchange)
        return exchange
    }

    func reset() { for e in exchanges { e.reset() } }

    /// The counters of every socket, summed.
    var counters: [String: Double] {
        exchanges.reduce(into: [:]) { sum, e in sum.merge(e.counters, uniquingKeysWith: +) }
    }
}
