public import Reconciler

/// One direction of a conntrack entry: addresses, L4 protocol and ports.
public struct ConntrackTuple: Hashable, Sendable, CustomStringConvertible {
    public var source: IPAddress
    public var destination: IPAddress
    public var proto: UInt8
    public var sourcePort: UInt16
    public var destinationPort: UInt16

    public init(source: IPAddress, destination: IPAddress, proto: UInt8, sourcePort: UInt16, destinationPort: UInt16) {
        self.source = source
        self.destination = destination
        self.proto = proto
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
    }

    public var description: String { "\(source):\(sourcePort) -> \(destination):\(destinationPort) proto \(proto)" }
}

/// A conntrack entry: the original and reply tuples.
public struct ConntrackFlow: Hashable, Sendable {
    public var original: ConntrackTuple
    public var reply: ConntrackTuple
    public var zone: UInt16?

    public init(original: ConntrackTuple, reply: ConntrackTuple, zone: UInt16? = nil) {
        self.original = original
        self.reply = reply
        self.zone = zone
    }
}

/// ctnetlink (NFNL_SUBSYS_CTNETLINK) over a netlink socket in a namespace: dump and delete
/// conntrack entries, as `conntrack -L` / `conntrack -D` do.
public final class ConntrackClient {
    public let connection: NetlinkConnection

    static let subsystem: UInt16 = 1 << 8
    static let msgGet: UInt16 = 1, msgDelete: UInt16 = 2
    enum Attr {
        static let tupleOrig: UInt16 = 1, tupleReply: UInt16 = 2, zone: UInt16 = 18
        static let tupleIP: UInt16 = 1, tupleProto: UInt16 = 2
        static let ipV4Src: UInt16 = 1, ipV4Dst: UInt16 = 2, ipV6Src: UInt16 = 3, ipV6Dst: UInt16 = 4
        static let protoNum: UInt16 = 1, protoSrcPort: UInt16 = 2, protoDstPort: UInt16 = 3
    }

    public init(exchange: MessageExchange) { connection = NetlinkConnection(exchange: exchange) }

    /// A client sharing an open connection (same socket, same sequence numbers).
    public init(connection: NetlinkConnection) { self.connection = connection }

    /// A client on a real socket inside `netns` (nil: the current namespace).
    public convenience init(netns: String?) throws { self.init(exchange: try NetlinkSocket(netns: netns)) }

    /// Every entry of `family` whose original tuple has L4 protocol `proto` (17: UDP).
    public func flows(family: IPFamily, proto: UInt8) throws -> [ConntrackFlow] {
        let message = NetlinkMessage(type: Self.subsystem | Self.msgGet, flags: 0,
                                     payload: NftProtocol.genmsg(family: Self.af(family)))
        return try connection.dump(message, operation: "list conntrack entries").compactMap(Self.parse)
            .filter { $0.original.proto == proto }
    }

    /// Deletes one entry by its original tuple; an entry already gone is not an error.
    public func delete(_ flow: ConntrackFlow) throws {
        var w = AttributeWriter()
        w.nest(Attr.tupleOrig) { Self.putTuple(flow.original, into: &$0) }
        if let zone = flow.zone { w.put(Attr.zone, ByteCoding.big(zone)) }
        let message = NetlinkMessage(type: Self.subsystem | Self.msgDelete, flags: 0,
                                     payload: NftProtocol.genmsg(family: Self.af(flow.original.source.family)) + w.bytes)
        do {
            _ = try connection.request(message, operation: "delete conntrack entry \(flow.original)")
        } catch let NetlinkError.kernel(_, errno, _) where errno == 2 /* ENOENT */ {
            return
        }
    }

    static func af(_ family: IPFamily) -> UInt8 { family == .ipv4 ? 2 : 10 }

    static func putTuple(_ t: ConntrackTuple, into w: inout AttributeWriter) {
        let v4 = t.source.family == .ipv4
        w.nest(Attr.tupleIP) {
            $0.put(v4 ? Attr.ipV4Src : Attr.ipV6Src, t.source.bytes)
            $0.put(v4 ? Attr.ipV4Dst : Attr.ipV6Dst, t.destination.bytes)
        }
        w.nest(Attr.tupleProto) {
            $0.put(Attr.protoNum, [t.proto])
            $0.put(Attr.protoSrcPort, ByteCoding.big(t.sourcePort))
            $0.put(Attr.protoDstPort, ByteCoding.big(t.destinationPort))
        }
    }

    static func parse(_ m: NetlinkMessage) -> ConntrackFlow? {
        guard m.type == subsystem | msgGet || m.type == subsystem, m.payload.count >= 4,
              let attrs = try? NetlinkAttribute.parse(Array(m.payload[4...])),
              let orig = attrs.first(Attr.tupleOrig).flatMap(tuple), let reply = attrs.first(Attr.tupleReply).flatMap(tuple)
        else { return nil }
        let zone = attrs.first(Attr.zone).flatMap { $0.value.count == 2 ? ByteCoding.loadBig($0.value, at: 0, as: UInt16.self) : nil }
        return ConntrackFlow(original: orig, reply: reply, zone: zone)
    }

    static func tuple(_ a: NetlinkAttribute) -> ConntrackTuple? {
        guard let parts = try? a.children(), let ip = try? parts.first(Attr.tupleIP)?.children(),
              let proto = try? parts.first(Attr.tupleProto)?.children() else { return nil }
        let src = ip.first(Attr.ipV4Src) ?? ip.first(Attr.ipV6Src)
        let dst = ip.first(Attr.ipV4Dst) ?? ip.first(Attr.ipV6Dst)
        guard let s = src.flatMap({ IPAddress(bytes: $0.value) }), let d = dst.flatMap({ IPAddress(bytes: $0.value) }),
              let num = proto.first(Attr.protoNum)?.value.first else { return nil }
        func port(_ t: UInt16) -> UInt16 {
            guard let v = proto.first(t)?.value, v.count == 2 else { return 0 }
            return ByteCoding.loadBig(v, at: 0, as: UInt16.self) ?? 0
        }
        return ConntrackTuple(source: s, destination: d, proto: num, sourcePort: port(Attr.protoSrcPort),
                              destinationPort: port(Attr.protoDstPort))
    }
}
