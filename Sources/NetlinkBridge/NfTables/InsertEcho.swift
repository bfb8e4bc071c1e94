/// Handles of inserted rules learned from the commit itself: each `.addRule` is sent with
/// NLM_F_ECHO, and at commit the kernel sends the rule back to us (NFT_MSG_NEWRULE with the
/// request's sequence number and NFTA_RULE_HANDLE), before any ack of the batch.
extension NftClient {
    /// Commits `batch` as `commit(_:)` does (same errors; nothing applied when it throws). With
    /// `echo`, also returns the handle the kernel gave each inserted rule, keyed by the index of
    /// its `.addRule` in `batch.operations`. An insert whose echo was lost (receive buffer overrun)
    /// is absent, never guessed; without `echo` the result is empty.
    public func commit(_ batch: NftBatch, echo: Bool) throws -> [Int: UInt64] {
        let batch = try bindingIpsets(batch)
        var handles: [Int: UInt64] = [:]
        var datagram = batch.datagram(echoingInserts: echo)
        try commit(&datagram, generation: batch.generation, operation: { batch.operations[$0] }, reply: { index, reply in
            // Message 0 is batch begin; operation i is message i + 1.
            let op = index - 1
            guard echo, batch.operations.indices.contains(op),
                  let handle = InsertEcho.handle(in: reply, answering: batch.operations[op]) else { return }
            handles[op] = handle
        }, echoed: { !handles.isEmpty })
        return handles
    }
}

/// Reads the kernel's echo of one inserted rule.
enum InsertEcho {
    /// The handle in `reply` when it is the NEWRULE echo of `operation`, an `.addRule` (same
    /// table and chain); nil for anything else (e.g. the NEWGEN that shares the first
    /// operation's sequence number) or a reply without a well-formed handle.
    static func handle(in reply: NetlinkMessageView, answering operation: NftOperation) -> UInt64? {
        guard case .addRule(let spec, _) = operation else { return nil }
        return handle(in: reply, table: spec.table, chain: spec.chain)
    }

    /// The handle in `reply` when it is the NEWRULE echo of a rule inserted into `table`/`chain`.
    static func handle(in reply: NetlinkMessageView, table: String, chain: String) -> UInt64? {
        guard reply.type == NftProtocol.subsystem | NftProtocol.Msg.newRule else { return nil }
        typealias R = NftProtocol.RuleAttr
        return try? NftMessageParsing.withAttributes(payload: reply.payload) { a -> UInt64? in
            guard a.stringEquals(R.table, table), a.stringEquals(R.chain, chain) else { return nil }
            return a.u64(R.handle)
        }
    }
}
