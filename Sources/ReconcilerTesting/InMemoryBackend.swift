public import Reconciler

/// A kernel stand-in for tests and previews: an all-or-nothing store of one ruleset per family
/// with one generation counter (as the kernel has one per namespace), and a hook to simulate
/// another writer.
public final class InMemoryBackend: RulesetBackend {
    /// The rulesets by family, each labelled with the current generation.
    public private(set) var states: [IPFamily: ObservedRuleset] = [:]
    public private(set) var commits = 0
    public private(set) var fullReads = 0
    /// Called before each commit; may change the state (another writer) to provoke ERESTART.
    public var beforeCommit: ((InMemoryBackend) -> Void)?
    private let primary: IPFamily
    private var current: UInt32 = 1

    public convenience init(_ ruleset: Ruleset) { self.init(families: [ruleset]) }

    /// One ruleset per family (the first is `state`'s).
    public init(families rulesets: [Ruleset]) {
        primary = rulesets.first?.family ?? .ipv4
        for ruleset in rulesets { states[ruleset.family] = ObservedRuleset.numbering(ruleset) }
        relabel()
    }

    /// The first family's ruleset.
    public var state: ObservedRuleset { states[primary] ?? empty(primary) }

    /// The ruleset of `family`.
    public func state(of family: IPFamily) -> ObservedRuleset { states[family] ?? empty(family) }

    /// Another writer changes the first family's ruleset (bumps the generation).
    public func externalWrite(_ change: (inout Ruleset) -> Void) { externalWrite(family: primary, change) }

    /// Another writer changes the ruleset of `family` (bumps the generation).
    public func externalWrite(family: IPFamily, _ change: (inout Ruleset) -> Void) {
        var ruleset = state(of: family).ruleset
        change(&ruleset)
        states[family] = ObservedRuleset.numbering(ruleset)
        current &+= 1
        relabel()
    }

    public func generation() throws -> UInt32 { current }

    public func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset {
        fullReads += 1
        var copy = state(of: family)
        copy.ruleset.tables = copy.ruleset.tables.filter { tables.contains($0.name) }
        return copy
    }

    public func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        let state = state(of: family)
        var out: [ChainRef: (rules: [Rule], handles: [UInt64])?] = [:]
        for ref in chains {
            out[ref] = state.ruleset[table: ref.table]?[chain: ref.chain].map { ($0.rules, state.handles(ref.table, ref.chain)) }
        }
        return out
    }

    /// Commits and reports the handles the inserted rules got (as the kernel's echo does).
    public func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] {
        try commit(families: [plan], learningHandles: true)
    }

    public func commit(_ plan: Plan) throws { _ = try commit(families: [plan], learningHandles: false) }

    /// Applies every plan or none; one generation step for all.
    public func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64] {
        beforeCommit?(self)
        var next = states
        var learned: [Int: UInt64] = [:]
        var global = 0
        for plan in plans {
            guard plan.generation == current else { throw BackendError.generationChanged(planned: plan.generation) }
            // As `PlanSimulator` numbers them: after the family's highest handle.
            var handle = ((next[plan.family]?.handles.values.lazy.flatMap { $0.values.lazy.flatMap { $0 } }.max()) ?? 0) + 1
            do {
                next[plan.family] = try PlanSimulator.apply(plan, to: next[plan.family] ?? empty(plan.family))
            } catch {
                throw BackendError.rejected("\(error)")
            }
            for operation in plan.operations {
                if learningHandles, case .insertRule = operation { learned[global] = handle; handle += 1 }
                global += 1
            }
        }
        states = next
        current &+= 1
        relabel()
        commits += 1
        return learned
    }

    private func empty(_ family: IPFamily) -> ObservedRuleset {
        var observed = ObservedRuleset(ruleset: Ruleset(family: family))
        observed.generation = current
        return observed
    }

    private func relabel() { for family in states.keys { states[family]!.generation = current } }
}
