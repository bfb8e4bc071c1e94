/// Turns NEWTABLE / NEWCHAIN / NEWRULE / NEWGEN replies into values.
enum NftMessageParsing {
    static func table(_ m: NetlinkMessage) throws -> NftTable? {
        let a = try NftProtocol.attributes(of: m)
        guard let family = NftFamily(rawValue: m.payload[0]), let name = a.first(NftProtocol.TableAttr.name)?.string
        else { return nil }
        return NftTable(family: family, name: name, handle: a.first(NftProtocol.TableAttr.handle)?.u64 ?? 0,
                        flags: a.first(NftProtocol.TableAttr.flags)?.u32 ?? 0)
    }

    static func chain(_ m: NetlinkMessage) throws -> NftChain {
        let a = try NftProtocol.attributes(of: m)
        typealias C = NftProtocol.ChainAttr
        guard let table = a.first(C.table)?.string, let name = a.first(C.name)?.string else {
            throw NetlinkError.malformed("chain without table or name")
        }
        var hook: NftHook? = nil
        if let h = try a.first(C.hook)?.children(), let num = h.first(NftProtocol.HookAttr.num)?.u32 {
            let prio = Int32(bitPattern: h.first(NftProtocol.HookAttr.priority)?.u32 ?? 0)
            hook = NftHook(hooknum: num, priority: prio, type: a.first(C.type)?.string ?? "filter")
        }
        let counters = try a.first(C.counters)?.children() ?? []
        return NftChain(table: table, name: name, handle: a.first(C.handle)?.u64 ?? 0, hook: hook,
                        policy: a.first(C.policy)?.u32,
                        packets: counters.first(NftProtocol.CounterAttr.packets)?.u64 ?? 0,
                        bytes: counters.first(NftProtocol.CounterAttr.bytes)?.u64 ?? 0)
    }

    static func rule(_ m: NetlinkMessage, position: Int) throws -> NftRule {
        try withRuleAttributes(m) { a in
            typealias R = NftProtocol.RuleAttr
            guard let table = a.string(R.table), let chain = a.string(R.chain) else {
                throw NetlinkError.malformed("rule without table or chain")
            }
            let raw = a.raw(R.expressions) ?? UnsafeRawBufferPointer(start: nil, count: 0)
            return NftRule(table: table, chain: chain, handle: a.u64(R.handle) ?? 0, position: position,
                           expressions: try NftRule.decodeExpressions(raw), rawExpressions: Array(raw),
                           userdata: a.bytes(R.userdata))
        }
    }

    /// Runs `body` with the attributes of a NEWRULE message indexed in place.
    static func withRuleAttributes<T>(_ m: NetlinkMessage, _ body: (AttributeIndex) throws -> T) throws -> T {
        try m.payload.withUnsafeBytes { p in
            guard p.count >= 4 else { throw NetlinkError.malformed("nf_tables message without nfgenmsg") }
            return try body(try AttributeIndex(UnsafeRawBufferPointer(rebasing: p[4...])))
        }
    }

    static func generation(_ m: NetlinkMessage) throws -> UInt32 {
        guard let id = try NftProtocol.attributes(of: m).first(NftProtocol.genID)?.u32 else {
            throw NetlinkError.malformed("NEWGEN without NFTA_GEN_ID")
        }
        return id
    }
}
