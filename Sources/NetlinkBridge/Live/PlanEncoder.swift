public import Reconciler

/// A plan in the wire form that commits it, and what is needed to read the kernel's answers
/// back: which plan operation each message came from.
public struct EncodedPlan: Sendable {
    public let plan: Plan
    /// Batch begin, one message per batch operation, batch end.
    public internal(set) var datagram: BatchDatagram
    /// Whether each `.insertRule` asks the kernel for its handle (NLM_F_ECHO).
    public let echoesInserts: Bool
    /// For batch operation i (message i + 1), the index of the plan operation it came from.
    let planIndex: [Int32]
    /// For plan operation j, its first batch operation (`.createTable` makes several).
    let firstOperation: [Int32]

    /// Batch operation `index` rebuilt (for an error naming it); nil when out of range.
    func operation(at index: Int) throws -> NftOperation? {
        try Self.operation(at: index, plan: plan, planIndex: planIndex, firstOperation: firstOperation)
    }

    /// `operation(at:)` from the parts that name operations (capturing these, not the plan's
    /// datagram, keeps the datagram uniquely referenced while it is numbered in place).
    static func operation(at index: Int, plan: Plan, planIndex: [Int32], firstOperation: [Int32]) throws -> NftOperation? {
        guard planIndex.indices.contains(index) else { return nil }
        let j = Int(planIndex[index])
        let family = NftFamily(plan.family)
        var batch = NftBatch(family: family)
        try PlanTranslator.append(plan.operations[j], to: &batch, family: family)
        return batch.operations[index - Int(firstOperation[j])]
    }

    /// The batch operation of a plan operation that becomes exactly one (a rule's).
    static func operation(_ operation: PlanOperation, family: NftFamily) throws -> NftOperation {
        var batch = NftBatch(family: family)
        try PlanTranslator.append(operation, to: &batch, family: family)
        return batch.operations[0]
    }
}

/// Plan -> datagram in one pass: each operation is translated and written straight into the
/// datagram, so no batch of every encoded rule is ever held. Sends the same bytes as
/// `NftClient.commit(PlanTranslator.batch(plan))`.
public enum PlanEncoder {
    /// `plan` encoded, its `-m set` matches bound through `ipsets` (required when a rule has
    /// any); with `echoingInserts`, inserted rules are sent with NLM_F_ECHO.
    public static func encode(_ plan: Plan, ipsets: (any IpsetLookup)?, echoingInserts: Bool = false) throws -> EncodedPlan {
        let family = NftFamily(plan.family)
        var writer = NftBatchWriter(family: family,
                                    expectedBytes: (plan.operations.count + 2) * NftBatchWriter.bytesPerOperation)
        var planIndex: [Int32] = [], firstOperation: [Int32] = []
        planIndex.reserveCapacity(plan.operations.count + 8)
        firstOperation.reserveCapacity(plan.operations.count)
        var scratch = NftBatch(family: family)
        writer.beginBatch(generation: plan.generation)
        for (j, operation) in plan.operations.enumerated() {
            firstOperation.append(Int32(planIndex.count))
            switch operation {
            case .insertRule(let table, let chain, let rule, let placement):
                let spec = try ruleSpec(rule, table: table, chain: chain, family: family, ipsets: ipsets,
                                        index: planIndex.count) {
                    try EncodedPlan.operation(plan.operations[j], family: family)
                }
                writer.writeRule(spec, placement: RulePlacement(placement), echo: echoingInserts)
            case .replaceRule(let table, let chain, let handle, _, let rule):
                let spec = try ruleSpec(rule, table: table, chain: chain, family: family, ipsets: ipsets,
                                        index: planIndex.count) {
                    try EncodedPlan.operation(plan.operations[j], family: family)
                }
                writer.writeRule(spec, placement: .first, replacing: handle)
            default:
                try PlanTranslator.append(operation, to: &scratch, family: family)
                for op in scratch.operations { writer.write(op, echo: echoingInserts) }
                planIndex.append(contentsOf: repeatElement(Int32(j), count: scratch.operations.count - 1))
                scratch.operations.removeAll(keepingCapacity: true)
            }
            planIndex.append(Int32(j))
        }
        writer.endBatch()
        return EncodedPlan(plan: plan, datagram: writer.finish(), echoesInserts: echoingInserts,
                           planIndex: planIndex, firstOperation: firstOperation)
    }

    /// The rule encoded for writing, set matches bound. Unlike `PlanTranslator`'s specs it
    /// carries no origin (its text is rendered only for an error, from `operation`).
    static func ruleSpec(_ rule: Rule, table: TableName, chain: String, family: NftFamily,
                         ipsets: (any IpsetLookup)?, index: Int,
                         operation: () throws -> NftOperation) throws -> NftRuleSpec {
        let spec = try RuleEncoder.spec(rule, table: table.rawValue, chain: chain, family: family)
        guard !spec.ipsets.isEmpty else { return spec }
        let lookup = try NftClient.requireIpsets(ipsets)
        do {
            return try spec.bindingIpsets(lookup, family: family)
        } catch let error as IpsetError {
            throw NftError.rejected(operation: try operation(), index: index, errno: NftBatch.errno(error),
                                    message: error.description)
        }
    }
}

extension NftClient {
    /// Commits an encoded plan atomically, with the errors of `commit(_:)`: `.generationChanged`
    /// on ERESTART, `.rejected` naming the batch operation the kernel refused. When the plan was
    /// encoded echoing inserts, returns the handle of each inserted rule by plan index (an echo
    /// lost to a receive overrun is absent); otherwise an empty map. The datagram is numbered in place.
    public func commit(_ encoded: inout EncodedPlan) throws -> [Int: UInt64] {
        let plan = encoded.plan, planIndex = encoded.planIndex, first = encoded.firstOperation, echo = encoded.echoesInserts
        var handles: [Int: UInt64] = [:]
        let naming = { (i: Int) in try EncodedPlan.operation(at: i, plan: plan, planIndex: planIndex, firstOperation: first) }
        try commit(&encoded.datagram, generation: plan.generation, operation: naming, reply: { index, reply in
            guard echo, planIndex.indices.contains(index - 1) else { return }
            let j = Int(planIndex[index - 1])
            guard case .insertRule(let table, let chain, _, _) = plan.operations[j],
                  let handle = InsertEcho.handle(in: reply, table: table.rawValue, chain: chain) else { return }
            handles[j] = handle
        }, echoed: { !handles.isEmpty })
        return handles
    }
}
