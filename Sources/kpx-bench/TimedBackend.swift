import Foundation
import NetlinkBridge
import Reconciler

/// The kernel backend with every call timed and every message counted, so an engine run can be
/// split into kernel work (commit, dumps) and our own user-space work.
final class TimedBackend: RulesetBackend {
    let exchange: CountingExchange
    let client: NftClient
    private let inner: NetlinkBackend
    /// Milliseconds spent per phase since the last `reset`.
    private(set) var phases: [String: Double] = [:]
    private(set) var commits = 0
    /// Follows other writers' changes from nf_tables notifications (as the agent does), so the
    /// engine re-reads only the chains they changed; nil: any foreign write means a full re-read.
    var follower: ChangeFollower?

    init(netns: String) throws {
        exchange = CountingExchange(try NetlinkSocket(netns: netns))
        client = NftClient(exchange: exchange)
        inner = NetlinkBackend(client: client)
    }

    func reset() { phases = [:]; commits = 0; exchange.reset() }

    private func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let t0 = ContinuousClock.now
        defer { phases[phase, default: 0] += milliseconds(since: t0) }
        return try body()
    }

    func generation() throws -> UInt32 { try timed("generation") { try inner.generation() } }

    func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset {
        try timed("readTables") { try inner.observe(family: family, tables: tables) }
    }

    func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        try timed("readChains") { try inner.observe(family: family, chains: chains) }
    }

    /// As `NetlinkBackend.commit`, with encoding and the kernel transaction timed apart.
    func commit(_ plan: Plan) throws {
        let batch = try timed("encode") { try PlanTranslator.batch(plan) }
        do {
            try timed("commit") { try client.commit(batch) }
            commits += 1
        } catch NftError.generationChanged(let planned) {
            throw BackendError.generationChanged(planned: planned)
        } catch let error as NftError {
            throw BackendError.rejected("\(error)")
        }
    }

    /// As `NetlinkBackend.commitLearningHandles`, timed as `commit` is (the echoes are read
    /// inside the "commit" phase).
    func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] {
        let (batch, firstOperation) = try timed("encode") { try PlanTranslator.batchWithIndex(plan) }
        let learned = try NetlinkBackend.translatingErrors {
            try timed("commit") { try client.commit(batch, echo: true) }
        }
        commits += 1
        return PlanTranslator.insertHandles(learned, plan: plan, firstOperation: firstOperation)
    }

    func changedChains(from: UInt32, to: UInt32) throws -> [ChainRef: ChainFate]? {
        try timed("follow") { try follower?.changedChains(from: from, to: to) }
    }

    /// Phases and counters as a sample's extras; `engineOther` is what the engine did between calls
    /// (planning, simulation, bookkeeping), given its total wall time.
    func extras(total: Double) -> [String: Double] {
        var out = exchange.counters
        for (k, v) in phases { out[k + "Ms"] = v }
        out["engineOtherMs"] = max(0, total - phases.values.reduce(0, +))
        out["commits"] = Double(commits)
        return out
    }
}
