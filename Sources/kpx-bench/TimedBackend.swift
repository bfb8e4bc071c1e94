import Foundation
import NetlinkBridge
import NetlinkBridgeTesting
import Reconciler

/// The kernel backend with every call timed and every message counted, so an engine run can be
/// split into kernel work (commit, dumps) and our own user-space work.
final class TimedBackend: RulesetBackend {
    let exchange: CountingExchange
    /// Every socket the client uses (its own and its parallel readers'), counted together.
    let sockets: CountingSockets
    let client: NftClient
    private let inner: NetlinkBackend
    /// Milliseconds spent per phase since the last `reset`.
    private(set) var phases: [String: Double] = [:]
    private(set) var commits = 0
    /// Follows other writers' changes from nf_tables notifications (as the agent does), so the
    /// engine re-reads only the chains they changed; nil: any foreign write means a full re-read.
    var follower: ChangeFollower?

    init(netns: String) throws {
        sockets = CountingSockets(netns: netns)
        client = try sockets.client()
        exchange = sockets.exchanges[0]
        inner = NetlinkBackend(client: client)
    }

    func reset() { phases = [:]; commits = 0; sockets.reset() }

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

    func observeUnsettled(family: IPFamily, tables: [TableName]) throws -> (observed: ObservedRuleset, through: UInt32) {
        try timed("readTables") { try inner.observeUnsettled(family: family, tables: tables) }
    }

    /// As `NetlinkBackend.commit`, with encoding and the kernel transaction timed apart.
    func commit(_ plan: Plan) throws { _ = try commitEncoded([plan], echo: false) }

    /// As `NetlinkBackend.commitLearningHandles`, timed as `commit` is (the echoes are read
    /// inside the "commit" phase).
    func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] { try commitEncoded([plan], echo: true) }

    /// As `NetlinkBackend.commit(families:learningHandles:)`: one batch for every family's plan.
    func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64] {
        plans.isEmpty ? [:] : try commitEncoded(plans, echo: learningHandles)
    }

    /// As `NetlinkBackend` commits: the plan encoded straight into its datagram ("encode"),
    /// sent and answered ("commit"), then the heap trimmed after a large batch ("trim").
    private func commitEncoded(_ plans: [Plan], echo: Bool) throws -> [Int: UInt64] {
        let (handles, bytes) = try NetlinkBackend.translatingErrors { () throws -> ([Int: UInt64], Int) in
            var encoded = try timed("encode") { try PlanEncoder.encode(plans, ipsets: client.ipsets, echoingInserts: echo) }
            let handles = try timed("commit") { try client.commit(&encoded) }
            return (handles, encoded.datagram.byteCount)
        }
        commits += 1
        timed("trim") { ReleasedMemory.trim(afterBatchOf: bytes) }
        return handles
    }

    func changedChains(family: IPFamily, from: UInt32, to: UInt32) throws -> [ChainRef: ChainFate]? {
        try timed("follow") { try follower?.changedChains(family: family, from: from, to: to) }
    }

    /// Phases and counters as a sample's extras; `engineOther` is what the engine did between calls
    /// (planning, simulation, bookkeeping), given its total wall time.
    func extras(total: Double) -> [String: Double] {
        var out = sockets.counters
        for (k, v) in phases { out[k + "Ms"] = v }
        out["engineOtherMs"] = max(0, total - phases.values.reduce(0, +))
        out["commits"] = Double(commits)
        return out
    }
}
