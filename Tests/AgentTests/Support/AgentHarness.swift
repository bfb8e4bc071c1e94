import APIServerSupport
import NIOCore
import ClusterSource
import Agent
import Foundation
import KubeClient
import Logging
import NetlinkBridge
import NetlinkBridgeTesting
import Reconciler
import ReconcilerTesting
import Synchronization

/// One agent under test: a fresh network namespace, a fake API server on 127.0.0.1, list/watch
/// reflectors with short backoff, and the agent programming the namespace. `stop()` always runs
/// the teardown; the namespace is deleted when the harness is released.
final class AgentHarness: @unchecked Sendable {
    let ns: TestNamespace
    let api: FakeAPIServer
    let client: KubeAPIClient
    let agent: ProxyAgent
    /// The backend wrapper that makes the kernel refuse commits, when asked for.
    let poisoned: PoisonedBackend?
    private var runTask: Task<Void, Never>?

    static let logger: Logger = {
        var l = Logger(label: "kpx-agent-test")
        l.logLevel = ProcessInfo.processInfo.environment["KPX_AGENT_LOG"] == "1" ? .debug : .critical
        return l
    }()

    /// Starts the fake API (seeded by `seed`) and the agent (`minSyncPeriod` nil: latency-first pacing).
    init(minSyncPeriod: Duration? = .milliseconds(200), syncPeriod: Duration = .seconds(30),
         settings: ProxySettings = K.settings, families: [ProxySettings]? = nil, poisonable: Bool = false,
         followNode: Bool = false, seed: (FakeAPIServer) -> Void = { _ in }) async throws {
        ns = try TestNamespace()
        api = FakeAPIServer()
        try await api.start()
        seed(api)
        client = try KubeAPIClient(endpoint: KubeEndpoint(server: api.url), requestTimeout: .seconds(10))
        let backoff = Backoff(base: .milliseconds(50), cap: .milliseconds(400))
        var sources: [any ClusterEventSource] = [
            Reflector(client: client, kind: .service, logger: Self.logger, backoff: backoff, watchTimeoutSeconds: 30...60, pageSize: 50),
            Reflector(client: client, kind: .endpointSlice, logger: Self.logger, backoff: backoff, watchTimeoutSeconds: 30...60, pageSize: 50),
        ]
        if followNode {
            sources.append(NodeSource(client: client, name: settings.nodeName, backoff: Backoff(base: .milliseconds(50), cap: .milliseconds(200)), logger: Self.logger))
        }
        var config = AgentConfiguration(settings: settings, netns: ns.name, minSyncPeriod: minSyncPeriod, syncPeriod: syncPeriod,
                                        retryBackoff: Backoff(base: .milliseconds(100), cap: .milliseconds(300)))
        if let families { config.families = families }
        let kernel = try NetlinkBackend(netns: ns.name)
        poisoned = poisonable ? PoisonedBackend(kernel, poisonedCommits: 0) : nil
        let backend: RulesetBackend = poisoned ?? kernel
        agent = ProxyAgent(configuration: config, sources: sources, backend: backend, logger: Self.logger)
        let agent = self.agent
        runTask = Task { await agent.run() }
    }

    /// Stops the agent (bounded wait), the client and the fake server.
    func stop() async {
        agent.shutdown()
        if let runTask {
            let finished = Task { await runTask.value; return true }
            let timeout = Task { try? await Task.sleep(for: .seconds(10)); runTask.cancel() }
            _ = await finished.value
            timeout.cancel()
        }
        await client.shutdown()
        await api.stop()
    }

    /// The agent (latency-first pacing) on a generated cluster, served by the fake API.
    static func serving(_ cluster: GeneratedCluster) async throws -> AgentHarness {
        try await AgentHarness(minSyncPeriod: nil, settings: K.generatedSettings) { api in
            cluster.services.forEach(api.upsert)
            cluster.slices.forEach(api.upsert)
        }
    }

    /// Whether the live tables equal `desired` (planner finds nothing to do); the read follows
    /// notifications, so it completes while another process writes.
    func live(equals desired: Ruleset) -> Bool {
        guard let backend = try? FollowingBackend(netns: ns.name, family: desired.family) else { return false }
        let engine = ReconcileEngine(backend: backend, family: desired.family)
        return (try? engine.verify(desired)) != nil
    }

    /// The plan that would bring the live tables to `desired` (for failure messages).
    func difference(to desired: Ruleset) -> String {
        guard let backend = try? NetlinkBackend(netns: ns.name),
              let observed = try? backend.observe(family: desired.family, tables: [.filter, .nat]) else { return "cannot read" }
        let plan = Planner.plan(observed: observed, desired: desired)
        return PlanRenderer(color: false).render(plan, observed: observed)
    }

    /// Waits until the live tables equal `desired`.
    func converges(to desired: Ruleset, within timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(timeout: timeout) { live(equals: desired) }
    }

    /// iptables-save (ip6tables-save for `.ipv6`) of one table inside the namespace.
    func save(_ table: String, family: IPFamily = .ipv4) throws -> String {
        try ns.exec([family == .ipv4 ? "iptables-save" : "ip6tables-save", "-t", table])
    }
}

/// Wraps the kernel backend and adds a rule jumping to its own chain to the first `count`
/// commits, so that the kernel itself refuses the whole transaction (ELOOP).
final class PoisonedBackend: RulesetBackend, KernelWriter, @unchecked Sendable {
    var writerPortID: UInt32? { inner.writerPortID }
    let inner: NetlinkBackend
    private let remaining = Mutex(0)
    private(set) var rejected = 0

    init(_ inner: NetlinkBackend, poisonedCommits: Int) {
        self.inner = inner
        remaining.withLock { $0 = poisonedCommits }
    }

    func poison(_ commits: Int) { remaining.withLock { $0 = commits } }

    func generation() throws -> UInt32 { try inner.generation() }
    func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset { try inner.observe(family: family, tables: tables) }
    func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        try inner.observe(family: family, chains: chains)
    }

    func commit(_ plan: Plan) throws { _ = try commit(families: [plan], learningHandles: false) }

    func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] { try commit(families: [plan], learningHandles: true) }

    /// The last family's plan carries the poison (on a dual-stack node: the IPv6 half).
    func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64] {
        guard takePoison(), !plans.isEmpty else { return try inner.commit(families: plans, learningHandles: learningHandles) }
        var bad = plans
        bad[bad.count - 1] = Self.poisoned(bad[bad.count - 1])
        do { _ = try inner.commit(families: bad, learningHandles: learningHandles) } catch {
            rejected += 1
            throw error
        }
        return [:]
    }

    /// Whether this commit is one of the poisoned ones (and counts it).
    private func takePoison() -> Bool {
        remaining.withLock { r -> Bool in if r > 0 { r -= 1; return true }; return false }
    }

    /// `plan` with a loop KUBE-MARK-MASQ -> KUBE-MARK-MASQ: the kernel's jump-graph validation refuses it.
    static func poisoned(_ plan: Plan) -> Plan {
        var bad = plan
        let loop = Rule(target: .jump(KubeChains.markMasq))
        bad.operations.append(.insertRule(table: .nat, chain: KubeChains.markMasq, rule: loop, placement: .append))
        return bad
    }
}
