public import NetlinkBridge

/// Test and benchmark entry points: an `NftBatch` (operations, not a plan) committed through the
/// client's one commit path (the product commits plans, `NetlinkBackend`). With `echo`, handles of
/// inserted rules are learned from the commit itself: each `.addRule` is sent with NLM_F_ECHO and
/// the kernel sends the rule back (NFT_MSG_NEWRULE with the request's sequence number and
/// NFTA_RULE_HANDLE) before any ack of the batch.
extension NftClient {
    /// Commits `batch` atomically. Throws `.generationChanged` on ERESTART and `.rejected` naming
    /// the first operation the kernel refused; in both cases nothing was applied.
    public func commit(_ batch: NftBatch) throws { _ = try commit(batch, echo: false) }

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
