/// Reads the kernel's echo of one inserted rule.
package enum InsertEcho {
    /// The handle in `reply` when it is the NEWRULE echo of `operation`, an `.addRule` (same
    /// table and chain); nil for anything else (e.g. the NEWGEN that shares the first
    /// operation's sequence number) or a reply without a well-formed handle.
    package static func handle(in reply: NetlinkMessageView, answering operation: NftOperation) -> UInt64? {
        guard case .addRule(let spec, _) = operation else { return nil }
        return handle(in: reply, table: spec.table, chain: spec.chain)
    }

    /// The handle in `reply` when it is the NEWRULE echo of a rule inserted into `table`/`chain`.
    package static func handle(in reply: NetlinkMessageView, table: String, chain: String) -> UInt64? {
        guard reply.type == NftProtocol.subsystem | NftProtocol.Msg.newRule else { return nil }
        typealias R = NftProtocol.RuleAttr
        return try? NftMessageParsing.withAttributes(payload: reply.payload) { a -> UInt64? in
            guard a.stringEquals(R.table, table), a.stringEquals(R.chain, chain) else { return nil }
            return a.u64(R.handle)
        }
    }
}
