/// Writes an nf_tables batch straight into a datagram: batch begin, one message per operation
/// laid out as iptables-nft (libnftnl) builds it, batch end. The one place these layouts live.
struct NftBatchWriter {
    private var datagram: DatagramWriter
    /// The family of the operations written next (a batch may hold both families' tables).
    var family: UInt8

    /// A writer for operations of `family`; `expectedBytes` sizes the first chunk.
    init(family: NftFamily, expectedBytes: Int) { self.init(familyCode: family.rawValue, expectedBytes: expectedBytes) }

    /// A writer for operations of NFPROTO family `familyCode`.
    init(familyCode: UInt8, expectedBytes: Int) {
        datagram = DatagramWriter(expectedBytes: expectedBytes)
        family = familyCode
    }

    /// Bytes expected per operation of a large batch, for `expectedBytes` (a kube ruleset averages ~320).
    static let bytesPerOperation = 320

    /// NFNL_MSG_BATCH_BEGIN, guarded by `generation` (NFNL_BATCH_GENID) when given.
    mutating func beginBatch(generation: UInt32?) {
        datagram.beginMessage(type: NftProtocol.batchBegin, flags: 0)
        genmsg(family: 0, resID: 10)
        if let generation { datagram.body.putU32(NftProtocol.batchGenID, generation) }
        datagram.endMessage()
    }

    /// NFNL_MSG_BATCH_END.
    mutating func endBatch() {
        datagram.beginMessage(type: NftProtocol.batchEnd, flags: 0)
        genmsg(family: 0, resID: 10)
        datagram.endMessage()
    }

    /// The messages written so far.
    mutating func finish() -> BatchDatagram { datagram.finish() }

    /// The message of `op`; with `echo`, an `.addRule` asks for the committed rule back (NLM_F_ECHO).
    mutating func write(_ op: NftOperation, echo: Bool = false) {
        typealias M = NftProtocol.Msg
        switch op {
        case .addTable(let t):
            begin(M.newTable, flags: NetlinkMessage.create)
            datagram.body.putString(NftProtocol.TableAttr.name, t)
            datagram.body.putU32(NftProtocol.TableAttr.flags, 0)
        case .deleteTable(let t):
            begin(M.delTable)
            datagram.body.putString(NftProtocol.TableAttr.name, t)
        case .addBaseChain(let t, let c, let hook, let policy):
            begin(M.newChain, flags: NetlinkMessage.create)
            writeBaseChain(table: t, chain: c, hook: hook, policy: policy)
        case .addChain(let t, let c):
            begin(M.newChain, flags: NetlinkMessage.excl)
            writeNames(NftProtocol.ChainAttr.table, t, NftProtocol.ChainAttr.name, c)
        case .deleteChain(let t, let c):
            // NLM_F_NONREC (0x100): refuse to delete a chain that still has rules or references.
            begin(M.delChain, flags: 0x100)
            writeNames(NftProtocol.ChainAttr.table, t, NftProtocol.ChainAttr.name, c)
        case .flushChain(let t, let c):
            begin(M.delRule)
            writeNames(NftProtocol.RuleAttr.table, t, NftProtocol.RuleAttr.chain, c)
        case .addRule(let spec, let placement):
            writeRule(spec, placement: placement, echo: echo)
            return
        case .replaceRule(let spec, let handle):
            writeRule(spec, placement: .first, replacing: handle)
            return
        case .deleteRule(let t, let c, let handle, _):
            begin(M.delRule)
            writeNames(NftProtocol.RuleAttr.table, t, NftProtocol.RuleAttr.chain, c)
            datagram.body.putU64(NftProtocol.RuleAttr.handle, handle)
        }
        datagram.endMessage()
    }

    /// NEWRULE as iptables-nft builds it: table, chain, position, expressions, compat. Replacing
    /// is iptables-nft's RULE_REPLACE: NLM_F_CREATE | NLM_F_REPLACE with the old rule's handle.
    mutating func writeRule(_ spec: NftRuleSpec, placement: RulePlacement, replacing handle: UInt64? = nil,
                            echo: Bool = false) {
        typealias R = NftProtocol.RuleAttr
        var flags = NetlinkMessage.create
        var position: UInt64?
        if handle != nil {
            flags |= NetlinkMessage.replace
        } else {
            switch placement {
            case .append: flags |= NetlinkMessage.append
            case .first: break
            case .after(let h): flags |= NetlinkMessage.append; position = h
            case .before(let h): position = h
            }
        }
        begin(NftProtocol.Msg.newRule, flags: echo ? flags | NetlinkMessage.echo : flags)
        writeNames(R.table, spec.table, R.chain, spec.chain)
        if let handle { datagram.body.putU64(R.handle, handle) }
        if let position { datagram.body.putU64(R.position, position) }
        datagram.body.nest(R.expressions) { NftRule.writeExpressions(spec.expressions, into: &$0) }
        if let proto = spec.compatProto {
            datagram.body.nest(R.compat) { c in
                c.putU32(NftProtocol.CompatAttr.proto, proto)
                c.putU32(NftProtocol.CompatAttr.flags, spec.compatInverted ? 1 : 0)
            }
        }
        datagram.endMessage()
    }

    private mutating func writeBaseChain(table: String, chain: String, hook: BaseChainSpec, policy: UInt32) {
        typealias C = NftProtocol.ChainAttr
        writeNames(C.table, table, C.name, chain)
        datagram.body.nest(C.hook) { h in
            h.putU32(NftProtocol.HookAttr.num, hook.hooknum)
            h.putU32(NftProtocol.HookAttr.priority, UInt32(bitPattern: hook.priority))
        }
        datagram.body.putU32(C.policy, policy)
        datagram.body.putString(C.type, hook.type)
    }

    private mutating func writeNames(_ a: UInt16, _ first: String, _ b: UInt16, _ second: String) {
        datagram.body.putString(a, first)
        datagram.body.putString(b, second)
    }

    /// Header of an nf_tables request and its nfgenmsg.
    private mutating func begin(_ msg: UInt16, flags: UInt16 = 0) {
        datagram.beginMessage(type: NftProtocol.subsystem | msg, flags: flags)
        genmsg(family: family, resID: 0)
    }

    /// The 4-byte nfgenmsg: family, version 0, resource id (big-endian).
    private mutating func genmsg(family: UInt8, resID: UInt16) {
        datagram.body.appendHost(family)
        datagram.body.appendHost(UInt8(0))
        datagram.body.appendHost(resID.bigEndian)
    }
}
