/// nf_tables message types, families and attribute numbers (linux/netfilter/nf_tables.h).
public enum NftProtocol {
    /// NFNL_SUBSYS_NFTABLES in the high byte of the netlink message type.
    public static let subsystem: UInt16 = 10 << 8

    public enum Msg {
        public static let newTable: UInt16 = 0, getTable: UInt16 = 1, delTable: UInt16 = 2
        public static let newChain: UInt16 = 3, getChain: UInt16 = 4, delChain: UInt16 = 5
        public static let newRule: UInt16 = 6, getRule: UInt16 = 7, delRule: UInt16 = 8
        public static let newGen: UInt16 = 15, getGen: UInt16 = 16
    }

    /// NFNL_MSG_BATCH_BEGIN / END (no subsystem byte).
    public static let batchBegin: UInt16 = 0x10
    public static let batchEnd: UInt16 = 0x11
    /// NFNL_BATCH_GENID.
    public static let batchGenID: UInt16 = 1

    public enum TableAttr { public static let name: UInt16 = 1, flags: UInt16 = 2, use: UInt16 = 3, handle: UInt16 = 4 }
    public enum ChainAttr {
        public static let table: UInt16 = 1, handle: UInt16 = 2, name: UInt16 = 3, hook: UInt16 = 4, policy: UInt16 = 5
        public static let use: UInt16 = 6, type: UInt16 = 7, counters: UInt16 = 8, flags: UInt16 = 10
    }
    public enum HookAttr { public static let num: UInt16 = 1, priority: UInt16 = 2, dev: UInt16 = 3 }
    public enum CounterAttr { public static let bytes: UInt16 = 1, packets: UInt16 = 2 }
    public enum RuleAttr {
        public static let table: UInt16 = 1, chain: UInt16 = 2, handle: UInt16 = 3, expressions: UInt16 = 4
        public static let compat: UInt16 = 5, position: UInt16 = 6, userdata: UInt16 = 7
    }
    public enum CompatAttr { public static let proto: UInt16 = 1, flags: UInt16 = 2 }
    /// NFTA_LIST_ELEM, NFTA_EXPR_NAME, NFTA_EXPR_DATA.
    public static let listElem: UInt16 = 1, exprName: UInt16 = 1, exprData: UInt16 = 2
    public static let genID: UInt16 = 1

    /// The 4-byte nfgenmsg header: family, version 0, resource id (big-endian).
    public static func genmsg(family: UInt8, resID: UInt16 = 0) -> [UInt8] {
        [family, 0] + ByteCoding.big(resID)
    }

    /// A request message of nf_tables type `msg` with attributes `attrs`.
    public static func message(_ msg: UInt16, family: UInt8, flags: UInt16 = 0, attrs: [UInt8] = []) -> NetlinkMessage {
        NetlinkMessage(type: subsystem | msg, flags: flags, payload: genmsg(family: family) + attrs)
    }

    /// The attributes after the nfgenmsg header of a reply.
    public static func attributes(of message: NetlinkMessage) throws -> [NetlinkAttribute] {
        guard message.payload.count >= 4 else { throw NetlinkError.malformed("nf_tables message without nfgenmsg") }
        return try NetlinkAttribute.parse(Array(message.payload[4...]))
    }
}

/// The nf_tables family of an iptables ruleset (NFPROTO_IPV4 / NFPROTO_IPV6).
public enum NftFamily: UInt8, Sendable, CaseIterable {
    case ipv4 = 2
    case ipv6 = 10

    public var tableFamilyName: String { self == .ipv4 ? "ip" : "ip6" }
}
