/// Creates nfnetlink_acct accounting objects (what `-m nfacct --nfacct-name` needs to exist
/// before a rule using it can be loaded; kube-proxy creates them the same way).
public enum Nfacct {
    /// NFNL_SUBSYS_ACCT << 8 | NFNL_MSG_ACCT_NEW; NFACCT_NAME.
    static let newType: UInt16 = 7 << 8 | 0
    static let nameAttr: UInt16 = 1

    /// NFNL_MSG_ACCT_GET; NFACCT_PKTS.
    static let getType: UInt16 = 7 << 8 | 1
    static let packetsAttr: UInt16 = 2

    /// The packet count of object `name`, nil when it does not exist.
    public static func packets(_ name: String, connection: NetlinkConnection) throws -> UInt64? {
        var w = AttributeWriter()
        w.putString(nameAttr, name)
        let msg = NetlinkMessage(type: getType, flags: 0, payload: NftProtocol.genmsg(family: 0) + w.bytes)
        let replies: [NetlinkMessage]
        do { replies = try connection.request(msg, operation: "get nfacct \(name)") } catch NetlinkError.kernel(_, let e, _) where e == 2 /* ENOENT */ {
            return nil
        }
        for reply in replies where reply.payload.count > 4 {
            if let pkts = try NetlinkAttribute.parse(Array(reply.payload[4...])).first(packetsAttr)?.u64 { return pkts }
        }
        return nil
    }

    /// Creates the object `name` if it does not exist yet.
    public static func ensure(_ name: String, connection: NetlinkConnection) throws {
        var w = AttributeWriter()
        w.putString(nameAttr, name)
        let msg = NetlinkMessage(type: newType, flags: NetlinkMessage.create | NetlinkMessage.excl,
                                 payload: NftProtocol.genmsg(family: 0) + w.bytes)
        do {
            _ = try connection.request(msg, operation: "create nfacct \(name)")
        } catch NetlinkError.kernel(_, let e, _) where e == 17 /* EEXIST */ {
            return
        }
    }
}
