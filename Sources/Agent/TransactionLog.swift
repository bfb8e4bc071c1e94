import Foundation
import NetlinkBridge
import Reconciler
import Synchronization

/// What each recent nf_tables transaction changed in the tables we read, by generation, as the
/// event socket reported it (our own commits included). Lets a re-read be limited to the chains
/// that changed since a known generation.
final class TransactionLog: Sendable {
    private struct State {
        var log: ChainChangeLog
        /// Bumped when events were lost: everything before is unknown.
        var epoch = 0
    }
    private let state: Mutex<State>

    init(families: [IPFamily], tables: [TableName] = [.filter, .nat]) {
        state = Mutex(State(log: ChainChangeLog(families: families, tables: tables)))
    }

    convenience init(family: IPFamily, tables: [TableName] = [.filter, .nat]) { self.init(families: [family], tables: tables) }

    var epoch: Int { state.withLock { $0.epoch } }

    func record(_ transaction: NftTransaction) { state.withLock { $0.log.record(transaction) } }

    func lost() { state.withLock { $0.log.forget(); $0.epoch += 1 } }

    /// The chains of `family` touched by generations `after+1 ... through`, waiting up to `wait`
    /// for notifications still in flight; nil when some generation is unknown or not patchable.
    func touched(family: IPFamily, after: UInt32, through: UInt32, epoch: Int,
                 wait: Duration = .milliseconds(50)) -> [ChainRef: ChainFate]? {
        let deadline = ContinuousClock.now + wait
        while true {
            let result = state.withLock { s -> (done: Bool, chains: [ChainRef: ChainFate]?) in
                guard s.epoch == epoch else { return (true, nil) }
                let (chains, missing) = s.log.merged(family: family, from: after, to: through)
                return (!missing, chains)
            }
            if result.done { return result.chains }
            if ContinuousClock.now >= deadline { return nil }
            usleep(1000)
        }
    }
}

/// A backend that names the chains others changed since a generation from the `TransactionLog`
/// (the watcher thread's record of nf_tables notifications), so the engine re-reads only those
/// chains into its view; nil (a full read) whenever the log cannot vouch for every generation in
/// between. Everything else goes straight to the inner backend.
final class PatchingBackend: RulesetBackend, KernelWriter {
    let inner: RulesetBackend
    let log: TransactionLog
    private(set) var fullReads = 0
    private(set) var partialReads = 0

    init(inner: RulesetBackend, log: TransactionLog) {
        self.inner = inner
        self.log = log
    }

    var writerPortID: UInt32? { (inner as? KernelWriter)?.writerPortID }

    func generation() throws -> UInt32 { try inner.generation() }

    func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        try inner.observe(family: family, chains: chains)
    }

    /// Commits above this many operations (a cold apply, a recovery) run unobserved.
    static let unobservedCommitThreshold = 10_000
    /// Set by the agent once its drift watcher runs: wraps a large commit (see `DriftWatcher.unobserved`).
    var unobserved: ((() throws -> Void) throws -> Void)?

    func commit(_ plan: Plan) throws {
        if let unobserved, plan.operations.count > Self.unobservedCommitThreshold {
            try unobserved { try inner.commit(plan) }
        } else {
            try inner.commit(plan)
        }
    }

    func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] { try inner.commitLearningHandles(plan) }

    func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64] {
        let operations = plans.reduce(0) { $0 + $1.operations.count }
        guard let unobserved, operations > Self.unobservedCommitThreshold else {
            return try inner.commit(families: plans, learningHandles: learningHandles)
        }
        var learned: [Int: UInt64] = [:]
        try unobserved { learned = try inner.commit(families: plans, learningHandles: learningHandles) }
        return learned
    }

    func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset {
        fullReads += 1
        return try inner.observe(family: family, tables: tables)
    }

    func observeUnsettled(family: IPFamily, tables: [TableName]) throws -> (observed: ObservedRuleset, through: UInt32) {
        fullReads += 1
        return try inner.observeUnsettled(family: family, tables: tables)
    }

    func changedChains(family: IPFamily, from: UInt32, to: UInt32) throws -> [ChainRef: ChainFate]? {
        guard let chains = log.touched(family: family, after: from, through: to, epoch: log.epoch) else { return nil }
        partialReads += 1
        return chains
    }
}
