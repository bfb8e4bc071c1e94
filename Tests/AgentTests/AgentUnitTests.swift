import APIServerSupport
import ClusterSource
@testable import Agent
import Foundation
@testable import KubeClient
import NetlinkBridge
import Reconciler
import ReconcilerTesting
import Testing

/// Parts of the agent that need neither root nor a namespace.
@Suite struct AgentUnitTests {
    @Test func healthTurnsUnhealthyWhenAQueuedUpdateWaitsTooLong() {
        let h = HealthState(timeout: .seconds(60))
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        #expect(h.status(at: t0).healthy)
        h.queued(at: t0)
        #expect(h.status(at: t0.addingTimeInterval(59)).healthy)
        #expect(!h.status(at: t0.addingTimeInterval(61)).healthy)
        h.updated(at: t0.addingTimeInterval(62))
        #expect(h.status(at: t0.addingTimeInterval(200)).healthy)
        #expect(h.status(at: t0.addingTimeInterval(200)).lastUpdated == t0.addingTimeInterval(62))
    }

    @Test func udpTargetsAndStaleFlowsFromTheRules() throws {
        let dns = K.service("kube-system", "dns", clusterIP: "172.30.0.10", ports: [K.port("p53", 53, "UDP", nodePort: 30053), K.port("tcp53", 53)], type: "NodePort")
        let none = K.service("ns1", "none", clusterIP: "172.30.0.20", ports: [K.port("p53", 53, "UDP")])
        var slice = K.slice("kube-system", "dns", ips: ["10.1.0.1", "10.1.0.2"], port: 5353, portName: "p53", proto: "UDP")
        slice.ports?.append(.init(name: "tcp53", protocol: "TCP", port: 5353))
        let targets = UDPServiceTargets(K.desired([dns, none], [slice]))
        typealias A = UDPServiceTargets.Address
        let eps: Set<A> = [A(ip: IPAddress("10.1.0.1")!, port: 5353), A(ip: IPAddress("10.1.0.2")!, port: 5353)]
        #expect(targets.services == [A(ip: IPAddress("172.30.0.10")!, port: 53): eps], "TCP ports and services without endpoints are not targets")
        #expect(targets.nodePorts == [30053: eps])
        func flow(_ dst: String, _ dport: UInt16, reply: String, _ rport: UInt16) -> UDPServiceTargets.Flow {
            .init(destination: A(ip: IPAddress(dst)!, port: dport), replySource: A(ip: IPAddress(reply)!, port: rport))
        }
        let flows = [flow("172.30.0.10", 53, reply: "10.1.0.1", 5353),      // live endpoint: kept
                     flow("172.30.0.10", 53, reply: "10.1.0.3", 5353),      // gone endpoint: stale
                     flow("172.30.0.10", 53, reply: "172.30.0.10", 53),     // black-holed before endpoints: stale
                     flow("192.168.0.2", 30053, reply: "10.1.0.9", 5353),   // node port, gone endpoint: stale
                     flow("172.30.0.20", 53, reply: "172.30.0.20", 53)]     // no endpoints yet: kept
        #expect(flows.filter(targets.isStale) == [flows[1], flows[2], flows[3]])
    }

    @Test func bindAddresses() {
        #expect(HTTPEndpoint.split("127.0.0.1:10249")! == ("127.0.0.1", 10249))
        #expect(HTTPEndpoint.split("[::1]:10256")! == ("::1", 10256))
        #expect(HTTPEndpoint.split(":10256")! == ("0.0.0.0", 10256))
        #expect(HTTPEndpoint.split("nonsense") == nil)
    }
}

/// The agent over the in-memory backend (no root): batching semantics and the list protocol.
@Suite(.serialized) struct AgentInMemoryTests {
    final class Running: @unchecked Sendable {
        let api = FakeAPIServer()
        var client: KubeAPIClient!
        var agent: ProxyAgent!
        var task: Task<Void, Never>?

        func start(minSync: Duration, seed: (FakeAPIServer) -> Void) async throws {
            try await api.start()
            seed(api)
            client = try KubeAPIClient(endpoint: KubeEndpoint(server: api.url))
            let backoff = Backoff(base: .milliseconds(50), cap: .milliseconds(200))
            let sources: [any ClusterEventSource] = ObjectKind.allCases.map {
                Reflector(client: client, kind: $0, logger: AgentHarness.logger, backoff: backoff, pageSize: 2)
            }
            let config = AgentConfiguration(settings: K.settings, minSyncPeriod: minSync, watchDrift: false)
            agent = ProxyAgent(configuration: config, sources: sources, backend: InMemoryBackend(Ruleset(family: .ipv4)),
                               logger: AgentHarness.logger)
            let agent = self.agent!
            task = Task { await agent.run() }
        }

        func stop() async {
            agent.shutdown()
            await task?.value
            await client.shutdown()
            await api.stop()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func pagedListAndAnUpdateThatReturnsToTheAppliedStateIsDropped() async throws {
        let services = (1...5).map { K.service("ns1", "s\($0)", clusterIP: "172.30.9.\($0)", ports: [K.port("p80", 80)]) }
        let a = K.slice("ns1", "s1", ips: ["10.9.0.1"])
        let r = Running()
        try await r.start(minSync: .seconds(1)) { api in services.forEach(api.upsert); api.upsert(a) }
        #expect(await eventually { r.agent.stats.commits == 1 })
        #expect(r.api.count("list services") == 3, "5 services in pages of 2")
        try await Task.sleep(for: .milliseconds(1100))
        let before = r.agent.stats
        // A change after a quiet period syncs at once; within the following min-sync-period the
        // slice changes and changes back to what was applied: that sync has nothing to write.
        let b = K.slice("ns1", "s1", ips: ["10.9.0.2"])
        r.api.upsert(b)
        #expect(await eventually { r.agent.stats.commits == before.commits + 1 })
        r.api.upsert(K.slice("ns1", "s1", ips: ["10.9.0.3"]))
        r.api.upsert(b)
        // The next sync runs a min-sync-period after the last; a loaded CI machine may take longer.
        #expect(await eventually { r.agent.stats.syncs >= before.syncs + 2 }, "the undone change still ran one (empty) sync")
        #expect(r.agent.stats.commits == before.commits + 1, "a change undone within the window writes nothing")
        await r.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func watchEventsSplitAcrossChunksAndBatchedInOneAreAllRead() async throws {
        let api = FakeAPIServer()
        try await api.start()
        api.fragmentSize = 7
        let client = try KubeAPIClient(endpoint: KubeEndpoint(server: api.url))
        let reflector = Reflector(client: client, kind: .endpointSlice, logger: AgentHarness.logger)
        let seen = Counter()
        let task = Task { await reflector.run { if case .upsert = $0 { seen.add() } } }
        #expect(await eventually { api.activeWatches == 1 })
        for i in 0..<200 { api.upsert(K.slice("ns1", "s", "s-\(i)", ips: ["10.7.\(i / 200).\(i % 200 + 1)"])) }
        #expect(await eventually { seen.value == 200 })
        task.cancel()
        api.dropWatches()
        await task.value
        await client.shutdown()
        await api.stop()
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
