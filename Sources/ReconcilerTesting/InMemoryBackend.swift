public import Reconciler

/// A kernel stand-in for tests and previews: an all-or-nothing store of rulesets with a
/// generation counter, and a hook to simulate another writer.
public final class InMemoryBackend: RulesetBackend {
    public private(set) var state: ObservedRuleset
    public private(set) var commits = 0
    public private(set) var fullReads = 0
    /// Called before each commit; may change the state (another writer) to provoke ERESTART.
    public var beforeCommit: ((InMemoryBackend) -> Void)?

    public init(_ ruleset: Ruleset) {
        state = ObservedRuleset.numbering(ruleset)
        state.generation = 1
    }

    /// Another writer changes the ruleset (bumps the generation).
    public func externalWrite(_ change: (inout Ruleset) -> Void) {
        var ruleset = state.ruleset
        change(&ruleset)
        let generation = (state.generation ?? 0) &+ 1
        state = ObservedRuleset.numbering(ruleset)
        state.generation = generation
    }

    public func generation() throws -> UInt32 { state.generation ?? 0 }

    public func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset {
        fullReads += 1
        var copy = state
        copy.ruleset.tables = state.ruleset.tables.filter { tables.contains($0.name) }
        return copy
    }

    public func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        var out: [ChainRef: (rules: [Rule], handles: [UInt64])?] = [:]
        for ref in chains {
            out[ref] = state.ruleset[table: ref.table]?[chain: ref.chain].map { ($0.rules, state.handles(ref.table, ref.chain)) }
        }
        return out
    }

    /// Commits and reports the handles the inserted rules got (as the kernel's echo does).
    public func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] {
        var next = (state.handles.values.lazy.flatMap { $0.values.lazy.flatMap { $0 } }.max() ?? 0) + 1
        try commit(plan)
        var learned: [Int: UInt64] = [:]
        for (i, operation) in plan.operations.enumerated() {
            guard case .insertRule = operation else { continue }
            learned[i] = next
            next += 1
        }
        return learned
    }

    public func commit(_ plan: Plan) throws {
        beforeCommit?(self)
        guard plan.generation == state.generation else { throw BackendError.generationChanged(planned: plan.generation) }
        do {
            var next = try PlanSimulator.apply(plan, to: state)
            next.generation = (state.generation ?? 0) &+ 1
            state = next
            commits += 1
        } catch {
            throw BackendError.rejected("\(error)")
        }
    }
}
