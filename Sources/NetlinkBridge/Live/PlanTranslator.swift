public import Reconciler

/// Plan operations -> nf_tables batch operations.
public enum PlanTranslator {
    public static func batch(_ plan: Plan) throws -> NftBatch { try batchWithIndex(plan).batch }

    /// `batch(_:)` and, for each plan operation, the index in `batch.operations` of the first
    /// operation it became (`.createTable` becomes several, every other operation one).
    public static func batchWithIndex(_ plan: Plan) throws -> (batch: NftBatch, firstOperation: [Int]) {
        let family = NftFamily(plan.family)
        var batch = NftBatch(family: family, generation: plan.generation)
        var firstOperation: [Int] = []
        firstOperation.reserveCapacity(plan.operations.count)
        for operation in plan.operations {
            firstOperation.append(batch.operations.count)
            try append(operation, to: &batch, family: family)
        }
        return (batch, firstOperation)
    }

    /// Handles learned per batch operation (`NftClient.commit(_:echo:)`) re-keyed by the index of
    /// the plan's `.insertRule` operation they belong to.
    public static func insertHandles(_ learned: [Int: UInt64], plan: Plan, firstOperation: [Int]) -> [Int: UInt64] {
        var out: [Int: UInt64] = [:]
        out.reserveCapacity(learned.count)
        for (index, operation) in plan.operations.enumerated() {
            guard case .insertRule = operation, let handle = learned[firstOperation[index]] else { continue }
            out[index] = handle
        }
        return out
    }

    static func append(_ operation: PlanOperation, to batch: inout NftBatch, family: NftFamily) throws {
        func spec(_ rule: Rule, _ table: TableName, _ chain: String) throws -> NftRuleSpec {
            var spec = try RuleEncoder.spec(rule, table: table.rawValue, chain: chain, family: family)
            spec.origin = RuleOrigin(chain: chain, rule: rule, family: family.ipFamily)
            return spec
        }
        switch operation {
        case .createTable(let table):
            batch.append(.addTable(table.rawValue))
            for chain in table.builtinChains { batch.append(try baseChain(table, chain)) }
        case .createChain(let table, let chain):
            batch.append(table.builtinChains.contains(chain) ? try baseChain(table, chain) : .addChain(table: table.rawValue, chain: chain))
        case .insertRule(let table, let chain, let rule, let placement):
            batch.append(.addRule(try spec(rule, table, chain), RulePlacement(placement)))
        case .replaceRule(let table, let chain, let handle, _, let rule):
            batch.append(.replaceRule(try spec(rule, table, chain), handle: handle))
        case .deleteRule(let table, let chain, let handle, let rule):
            batch.append(.deleteRule(table: table.rawValue, chain: chain, handle: handle,
                                     label: SaveRenderer.line(chain: chain, rule: rule, family: family.ipFamily)))
        case .flushChain(let table, let chain, _):
            batch.append(.flushChain(table: table.rawValue, chain: chain))
        case .deleteChain(let table, let chain):
            batch.append(.deleteChain(table: table.rawValue, chain: chain))
        case .setPolicy(let table, let chain, let policy):
            batch.append(try baseChain(table, chain, policy: policy == .drop ? 0 : 1))
        }
    }

    static func baseChain(_ table: TableName, _ chain: String, policy: UInt32 = 1) throws -> NftOperation {
        guard let hook = BuiltinChains.hook(table: table, chain: chain) else { throw NftError.notFound("built-in chain \(table.rawValue)/\(chain)") }
        return .addBaseChain(table: table.rawValue, chain: chain, hook: hook, policy: policy)
    }
}

extension RulePlacement {
    /// A plan's placement (relative to rules that exist before the batch) as written.
    init(_ placement: PlanOperation.Placement) {
        switch placement {
        case .append: self = .append
        case .first: self = .first
        case .before(let handle): self = .before(handle: handle)
        }
    }
}
