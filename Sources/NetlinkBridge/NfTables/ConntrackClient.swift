import Reconciler

/// Deletes conntrack entries over ctnetlink (NFNL_SUBSYS_CTNETLINK, linux/netfilter/nfnetlink_conntrack.h):
/// the UDP flows whose replies come from given endpoints, i.e. whose DNAT destination is one of
/// them. kube-proxy clears these after removing a UDP endpoint; without it a client that keeps
/// its source port keeps reaching the removed endpoint until the entry times out.
public enum Conntrack {
    static let getType: UInt16 = 1 << 8 | 1     // IPCTNL_MSG_CT_GET
    static let deleteType: UInt16 = 1 << 8 | 2  // IPCTNL_MSG_CT_DELETE
    static let tupleOrig: UInt16 = 1, tupleReply: UInt16 = 2, zone: UInt16 = 18  // CTA_*
    static let tupleIP: UInt16 = 1, tupleProto: UInt16 = 2                         // CTA_TUPLE_*
    static let protoNumber: UInt16 = 1, protoSourcePort: UInt16 = 2               // CTA_PROTO_*

    /// Deletes every UDP entry of `family` whose reply source is one of `endpoints`; returns
    /// how many were deleted (an entry that vanished meanwhile is not an error).
    public static func deleteUDPFlows(to endpoints: Set<UDPEndpoint>, family: IPFamily,
                                      connection: NetlinkConnection) throws -> Int {
        guard !endpoints.isEmpty else { return 0 }
        let header = NftProtocol.genmsg(family: family == .ipv4 ? 2 : 10)
        let list = NetlinkMessage(type: getType, flags: 0, seq: 0, portID: 0, payload: header)
        var deleted = 0
        for entry in try connection.dump(list, operation: "list conntrack entries") where entry.payload.count > 4 {
            let attributes = try NetlinkAttribute.parse(Array(entry.payload.dropFirst(4)))
            guard let original = attributes.first(tupleOrig), let reply = attributes.first(tupleReply),
                  let source = try replySource(reply, family: family), endpoints.contains(source) else { continue }
            var writer = AttributeWriter()
            writer.put(original)
            if let zone = attributes.first(zone) { writer.put(zone) }
            let delete = NetlinkMessage(type: deleteType, flags: 0, seq: 0, portID: 0, payload: header + writer.bytes)
            do {
                _ = try connection.request(delete, operation: "delete conntrack entry of \(source)")
                deleted += 1
            } catch NetlinkError.kernel(_, let errno, _) where errno == 2 /* ENOENT */ {
                continue
            }
        }
        return deleted
    }

    /// The source of a UDP reply tuple (the endpoint the flow was DNATed to); nil otherwise.
    static func replySource(_ tuple: NetlinkAttribute, family: IPFamily) throws -> UDPEndpoint? {
        let parts = try tuple.children()
        guard let ip = try parts.first(tupleIP)?.children(), let proto = try parts.first(tupleProto)?.children(),
              proto.first(protoNumber)?.value == [17], let port = proto.first(protoSourcePort)?.value, port.count == 2,
              let source = ip.first(family == .ipv4 ? 1 : 3), let address = IPAddress(bytes: source.value) else {
            return nil
        }
        return UDPEndpoint(address: address, port: UInt16(port[0]) << 8 | UInt16(port[1]))
    }
}

extension NetlinkBackend {
    /// Deletes the conntrack entries of UDP flows to `endpoints` in this backend's namespace.
    public func deleteUDPFlows(to endpoints: Set<UDPEndpoint>, family: IPFamily) throws -> Int {
        try Conntrack.deleteUDPFlows(to: endpoints, family: family, connection: client.connection)
    }
}
