import CNetfilter
import Glibc

/// One object change the kernel announced on NFNLGRP_NFTABLES.
public struct NftChange: Hashable, Sendable {
    public enum Object: String, Sendable { case table, chain, rule, set, element, object, flowtable, other }
    public var object: Object
    /// NEW (true) or DEL (false).
    public var added: Bool
    public var family: UInt8
    public var table: String
    /// The chain, for chain and rule changes.
    public var chain: String?

    public init(object: Object, added: Bool, family: UInt8, table: String, chain: String? = nil) {
        self.object = object
        self.added = added
        self.family = family
        self.table = table
        self.chain = chain
    }
}

/// Everything one committed transaction changed, closed by its NEWGEN notification.
public struct NftTransaction: Hashable, Sendable {
    public var generation: UInt32
    /// The process that committed it (NFTA_GEN_PROC_PID), when the kernel says.
    public var pid: UInt32?
    public var processName: String?
    /// The netlink port of the socket that sent the batch (the notifications' nlmsg_pid): tells
    /// our own commits from everyone else's.
    public var portID: UInt32
    public var changes: [NftChange]

    /// Whether it touched `table` of `family`.
    public func touches(family: UInt8, table: String) -> Bool {
        changes.contains { $0.family == family && $0.table == table }
    }
}

/// What reading the event socket gave.
public enum NftEventBatch: Sendable {
    /// Complete transactions (possibly none, on a timeout).
    case transactions([NftTransaction])
    /// The socket overflowed (ENOBUFS): events were lost; the reader must assume anything changed.
    case overrun
}

/// A NETLINK_NETFILTER socket subscribed to the nf_tables multicast group in a network namespace:
/// the kernel's change notifications, grouped per committed transaction.
public final class NftEventSocket {
    /// NFNLGRP_NFTABLES.
    public static let group: Int32 = 7
    private let socket: NetlinkSocket
    private var assembler = NftTransactionAssembler()

    /// Opens and subscribes the socket inside `netns` (nil: the current namespace).
    public init(netns: String? = nil, receiveBuffer: Int32 = 64 << 20) throws {
        socket = try NetlinkSocket(netns: netns, bufferSize: receiveBuffer, purpose: "nf_tables events")
        try socket.membership(Self.group, true)
    }

    /// Leaves (false) or joins again (true) NFNLGRP_NFTABLES. With no member in the group the
    /// kernel builds no notifications: a commit of 150k operations is ~2x faster unobserved.
    public func subscribe(_ on: Bool) throws { try socket.membership(Self.group, on) }

    /// Waits up to `timeoutMilliseconds` for notifications and returns the transactions completed
    /// so far (changes of a transaction whose NEWGEN has not arrived yet are kept for the next call).
    public func next(timeoutMilliseconds: Int32) throws -> NftEventBatch {
        var done: [NftTransaction] = []
        var wait = timeoutMilliseconds
        while true {
            var p = pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, wait)
            if ready < 0 {
                if errno == EINTR { continue }
                throw NetlinkError.system(operation: "poll nf_tables event socket", errno: errno)
            }
            if ready == 0 { return .transactions(done) }
            do {
                _ = try socket.receive(wait: false) { bytes in
                    for message in try NetlinkMessage.parseAll(bytes) {
                        if let transaction = try assembler.absorb(message) { done.append(transaction) }
                    }
                }
            } catch let error as NetlinkError where error.errno == ENOBUFS {
                assembler = NftTransactionAssembler()
                return .overrun
            }
            wait = 0  // drain what is already queued, then return
        }
    }
}

/// Groups nf_tables notifications into transactions (a transaction ends with its NEWGEN).
/// Knows nothing of sockets: tests feed it messages.
public struct NftTransactionAssembler: Sendable {
    private var pending: [NftChange] = []

    public init() {}

    /// Adds one notification; returns the transaction it closes, if it is a NEWGEN.
    public mutating func absorb(_ message: NetlinkMessage) throws -> NftTransaction? {
        guard message.type >> 8 == NftProtocol.subsystem >> 8, message.payload.count >= 4 else { return nil }
        let kind = message.type & 0xff
        let attrs = try NftProtocol.attributes(of: message)
        if kind == NftProtocol.Msg.newGen {
            defer { pending = [] }
            return NftTransaction(generation: attrs.first(NftProtocol.genID)?.u32 ?? 0,
                                  pid: attrs.first(UInt16(2))?.u32, processName: attrs.first(UInt16(3))?.string,
                                  portID: message.portID, changes: pending)
        }
        guard let (object, added) = Self.classify(kind) else { return nil }
        // NFTA_*_TABLE is attribute 1 for every object type except tables (whose name is attribute 1).
        let table = attrs.first(UInt16(1))?.string ?? ""
        var chain: String? = nil
        if object == .rule { chain = attrs.first(NftProtocol.RuleAttr.chain)?.string }
        if object == .chain { chain = attrs.first(NftProtocol.ChainAttr.name)?.string }
        pending.append(NftChange(object: object, added: added, family: message.payload[0], table: table, chain: chain))
        return nil
    }

    static func classify(_ kind: UInt16) -> (NftChange.Object, Bool)? {
        switch kind {
        case 0: return (.table, true)
        case 2: return (.table, false)
        case 3: return (.chain, true)
        case 5: return (.chain, false)
        case 6: return (.rule, true)
        case 8: return (.rule, false)
        case 9: return (.set, true)
        case 11: return (.set, false)
        case 12: return (.element, true)
        case 14: return (.element, false)
        case 18: return (.object, true)
        case 20: return (.object, false)
        case 22: return (.flowtable, true)
        case 24: return (.flowtable, false)
        default: return nil
        }
    }
}
