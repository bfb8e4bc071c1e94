/// Turns NEWTABLE / NEWCHAIN / NEWRULE / NEWGEN replies into values.
enum NftMessageParsing {
    static func table(_ m: NetlinkMessage) throws -> NftTable? {
        try withRuleAttributes(m) { a in
            guard let family = NftFamily(rawValue: m.payload[0]), let name = a.string(NftProtocol.TableAttr.name)
            else { return nil }
            return NftTable(family: family, name: name, handle: a.u64(NftProtocol.TableAttr.handle) ?? 0,
                            flags: a.u32(NftProtocol.TableAttr.flags) ?? 0)
        }
    }

    static func chain(_ m: NetlinkMessage) throws -> NftChain {
        try withRuleAttributes(m) { a in
            typealias C = NftProtocol.ChainAttr
            guard let table = a.string(C.table), let name = a.string(C.name) else {
                throw NetlinkError.malformed("chain without table or name")
            }
            var hook: NftHook? = nil
            if let h = try a.children(C.hook), let num = h.u32(NftProtocol.HookAttr.num) {
                let prio = Int32(bitPattern: h.u32(NftProtocol.HookAttr.priority) ?? 0)
                hook = NftHook(hooknum: num, priority: prio, type: a.string(C.type) ?? "filter")
            }
            let counters = try a.children(C.counters)
            return NftChain(table: table, name: name, handle: a.u64(C.handle) ?? 0, hook: hook,
                            policy: a.u32(C.policy),
                            packets: counters?.u64(NftProtocol.CounterAttr.packets) ?? 0,
                            bytes: counters?.u64(NftProtocol.CounterAttr.bytes) ?? 0)
        }
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

    /// Runs `body` with the attributes of an nf_tables message (after nfgenmsg) indexed in place.
    static func withRuleAttributes<T>(_ m: NetlinkMessage, _ body: (AttributeIndex) throws -> T) throws -> T {
        try m.payload.withUnsafeBytes { try withAttributes(payload: $0, body) }
    }

    /// `withRuleAttributes` over a payload read in place.
    static func withAttributes<T>(payload p: UnsafeRawBufferPointer, _ body: (AttributeIndex) throws -> T) throws -> T {
        guard p.count >= 4 else { throw NetlinkError.malformed("nf_tables message without nfgenmsg") }
        return try body(try AttributeIndex(UnsafeRawBufferPointer(rebasing: p[4...])))
    }

    static func generation(_ m: NetlinkMessage) throws -> UInt32 {
        guard let id = try NftProtocol.attributes(of: m).first(NftProtocol.genID)?.u32 else {
            throw NetlinkError.malformed("NEWGEN without NFTA_GEN_ID")
        }
        return id
    }
}
