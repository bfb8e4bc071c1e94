/// Where rules live: the kernel (NetlinkBridge's `NetlinkBackend`) or memory (`InMemoryBackend`).
/// The engine only talks to this seam, so its logic is tested without root.
public protocol RulesetBackend: AnyObject {
    /// The current ruleset generation.
    func generation() throws -> UInt32
    /// The given tables with rule handles, read consistently at one generation.
    func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset
    /// The given tables read without waiting for a quiet moment: `observed.generation` is the
    /// generation before the read and `through` the one after; chains changed in between may be
    /// stale (`SettledRead` re-reads what `changedChains` names). Default: a consistent read.
    func observeUnsettled(family: IPFamily, tables: [TableName]) throws -> (observed: ObservedRuleset, through: UInt32)
    /// The rules and handles of some chains (nil for a chain that does not exist).
    func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?]
    /// Commits the plan as one atomic transaction guarded by `plan.generation`.
    /// Throws `BackendError.generationChanged` when someone else wrote in between.
    func commit(_ plan: Plan) throws
    /// Commits like `commit(_:)` and returns the kernel handles of the rules the plan inserted,
    /// keyed by the index of their `.insertRule` operation in `plan.operations`. A rule missing
    /// from the result has an unknown handle (the caller re-reads its chain).
    func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64]
    /// Commits one plan per family as ONE atomic transaction guarded by their shared generation:
    /// the kernel applies every plan or none. With `learningHandles`, returns the handles of the
    /// inserted rules keyed by the operation's index counted across the plans in order.
    /// Default: a single plan through `commit(_:)` / `commitLearningHandles(_:)`; several are refused.
    func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64]
    /// The chains of `family` that the transactions after generation `from`, up to and including
    /// `to`, changed in the tables we read; nil when unknown (the caller then reads everything).
    /// Backends that follow the kernel's change notifications answer; the default is nil.
    func changedChains(family: IPFamily, from: UInt32, to: UInt32) throws -> [ChainRef: ChainFate]?
}

extension RulesetBackend {
    /// Default: commit and learn nothing (every inserted rule's chain is re-read).
    public func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] {
        try commit(plan)
        return [:]
    }

    public func observeUnsettled(family: IPFamily, tables: [TableName]) throws -> (observed: ObservedRuleset, through: UInt32) {
        let observed = try observe(family: family, tables: tables)
        return (observed, observed.generation ?? 0)
    }

    public func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64] {
        guard plans.count <= 1 else { throw BackendError.rejected("this backend commits one family per transaction") }
        guard let plan = plans.first else { return [:] }
        if learningHandles { return try commitLearningHandles(plan) }
        try commit(plan)
        return [:]
    }

    /// Default: changes by others are not followed.
    public func changedChains(family: IPFamily, from: UInt32, to: UInt32) throws -> [ChainRef: ChainFate]? { nil }
}

/// Failures a backend reports to the engine.
public enum BackendError: Error, Equatable, CustomStringConvertible {
    /// The ruleset changed since the plan's generation; nothing was applied.
    case generationChanged(planned: UInt32?)
    /// The transaction was refused; nothing was applied.
    case rejected(String)

    public var description: String {
        switch self {
        case .generationChanged(let planned):
            return "ruleset changed since generation \(planned.map(String.init) ?? "?"); nothing applied"
        case .rejected(let reason): return reason
        }
    }
}
