import Glibc
public import Reconciler

/// Plans in the wire form that commits them (one transaction: a plan per family at most), and
/// what is needed to read the kernel's answers back: which plan operation each message came
/// from. Operations are numbered across the plans, in order ("global" indices).
public struct EncodedPlan: Sendable {
    /// The plans in batch order; all were planned at the same generation.
    public let plans: [Plan]
    /// Batch begin, one message per batch operation, batch end.
    public internal(set) var datagram: BatchDatagram
    /// Whether each `.insertRule` asks the kernel for its handle (NLM_F_ECHO).
    public let echoesInserts: Bool
    /// For batch operation i (message i + 1), the global index of the plan operation it came from.
    let planIndex: [Int32]
    /// For global plan operation j, its first batch operation (`.createTable` makes several).
    let firstOperation: [Int32]

    /// The one plan of a single-family transaction (the first plan otherwise).
    public var plan: Plan { plans[0] }

    /// Batch operation `index` rebuilt (for an error naming it); nil when out of range.
    func operation(at index: Int) throws -> NftOperation? {
        try Self.operation(at: index, plans: plans, planIndex: planIndex, firstOperation: firstOperation)
    }

    /// The plan and its operation for global index `j`.
    static func locate(_ j: Int, in plans: [Plan]) -> (plan: Plan, operation: PlanOperation) {
        var rest = j
        for plan in plans {
            if rest < plan.operations.count { return (plan, plan.operations[rest]) }
            rest -= plan.operations.count
        }
        preconditionFailure("operation \(j) beyond the plans")
    }

    /// `operation(at:)` from the parts that name operations (capturing these, not the plan's
    /// datagram, keeps the datagram uniquely referenced while it is numbered in place).
    static func operation(at index: Int, plans: [Plan], planIndex: [Int32], firstOperation: [Int32]) throws -> NftOperation? {
        guard planIndex.indices.contains(index) else { return nil }
        let j = Int(planIndex[index])
        let (plan, operation) = locate(j, in: plans)
        let family = NftFamily(plan.family)
        var batch = NftBatch(family: family)
        try PlanTranslator.append(operation, to: &batch, family: family)
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
        try encode([plan], ipsets: ipsets, echoingInserts: echoingInserts)
    }

    /// Several plans (one per family) as ONE transaction: one batch, guarded by the generation
    /// they were all planned at, so the kernel applies all of them or none.
    public static func encode(_ plans: [Plan], ipsets: (any IpsetLookup)?, echoingInserts: Bool = false) throws -> EncodedPlan {
        guard let first = plans.first, plans.allSatisfy({ $0.generation == first.generation }) else {
            throw NftError.rejected(operation: nil, index: nil, errno: EINVAL,
                                    message: "plans of one transaction must share one generation")
        }
        let count = plans.reduce(0) { $0 + $1.operations.count }
        var writer = NftBatchWriter(family: NftFamily(first.family),
                                    expectedBytes: (count + 2) * NftBatchWriter.bytesPerOperation)
        var index = (planIndex: [Int32](), firstOperation: [Int32]())
        index.planIndex.reserveCapacity(count + 8)
        index.firstOperation.reserveCapacity(count)
        writer.beginBatch(generation: first.generation)
        for plan in plans {
            try write(plan, into: &writer, index: &index, ipsets: ipsets, echoingInserts: echoingInserts)
        }
        writer.endBatch()
        return EncodedPlan(plans: plans, datagram: writer.finish(), echoesInserts: echoingInserts,
                           planIndex: index.planIndex, firstOperation: index.firstOperation)
    }

    /// One plan's operations, numbered on from `index`.
    private static func write(_ plan: Plan, into writer: inout NftBatchWriter,
                              index: inout (planIndex: [Int32], firstOperation: [Int32]),
                              ipsets: (any IpsetLookup)?, echoingInserts: Bool) throws {
        let family = NftFamily(plan.family)
        writer.family = family.rawValue
        var scratch = NftBatch(family: family)
        for operation in plan.operations {
            let j = Int32(index.firstOperation.count)
            index.firstOperation.append(Int32(index.planIndex.count))
            let position = index.planIndex.count
            switch operation {
            case .insertRule(let table, let chain, let rule, let placement):
                let spec = try ruleSpec(rule, table: table, chain: chain, family: family, ipsets: ipsets, index: position) {
                    try EncodedPlan.operation(operation, family: family)
                }
                writer.writeRule(spec, placement: RulePlacement(placement), echo: echoingInserts)
            case .replaceRule(let table, let chain, let handle, _, let rule):
                let spec = try ruleSpec(rule, table: table, chain: chain, family: family, ipsets: ipsets, index: position) {
                    try EncodedPlan.operation(operation, family: family)
                }
                writer.writeRule(spec, placement: .first, replacing: handle)
            default:
                try PlanTranslator.append(operation, to: &scratch, family: family)
                for op in scratch.operations { writer.write(op, echo: echoingInserts) }
                index.planIndex.append(contentsOf: repeatElement(j, count: scratch.operations.count - 1))
                scratch.operations.removeAll(keepingCapacity: true)
            }
            index.planIndex.append(j)
        }
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
        let plans = encoded.plans, planIndex = encoded.planIndex, first = encoded.firstOperation, echo = encoded.echoesInserts
        var handles: [Int: UInt64] = [:]
        let naming = { (i: Int) in try EncodedPlan.operation(at: i, plans: plans, planIndex: planIndex, firstOperation: first) }
        try commit(&encoded.datagram, generation: plans[0].generation, operation: naming, reply: { index, reply in
            guard echo, planIndex.indices.contains(index - 1) else { return }
            let j = Int(planIndex[index - 1])
            guard case .insertRule(let table, let chain, _, _) = EncodedPlan.locate(j, in: plans).operation,
                  let handle = InsertEcho.handle(in: reply, table: table.rawValue, chain: chain) else { return }
            handles[j] = handle
        }, echoed: { !handles.isEmpty })
        return handles
    }
}
