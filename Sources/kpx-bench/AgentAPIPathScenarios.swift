import Foundation
import Reconciler
import ReconcilerTesting

/// The real agent process on the API path: start-up to the first completed sync, isolated and
/// burst network-programming latency (kube-proxy's last-change-trigger-time to commit, as the agent
/// logs it), CPU and commits per second under steady streams of EndpointSlice changes, and RSS.
extension Runner {
    static let streamRates = [10, 100, 1000]

    func agentOnTheAPIPath(_ inputs: RealPathInputs) throws {
        var startups: [Sample] = []
        var running: RunningAgent?
        for rep in 0..<max(1, config.slowReps) {
            let agent = try RunningAgent(runner: self, inputs: inputs)
            try agent.process.wait(timeout: 600, "first sync") { agent.process.firstSync != nil }
            let cpu = agent.process.cpuMs
            let wall = (agent.process.firstSync!.at - agent.process.started.timeIntervalSince1970) * 1000
            try verify(agent.ns, w.desired, "agent start-up")
            var s = Sample(wallMs: wall, cpuMs: cpu, userMs: 0, sysMs: 0, maxRSSKB: agent.process.memoryKB("VmHWM"))
            s.extra["rssAfterStartKB"] = agent.process.memoryKB("VmRSS").map(Double.init)
            startups.append(s)
            if rep < max(1, config.slowReps) - 1 { agent.stop() } else { running = agent }
        }
        record(ScenarioResult(id: "agent-startup-api", title: "agent on the API path: process start to first completed sync (paginated lists from a loopback API server)",
                              n: w.n, samples: startups, verified: true))
        guard let agent = running else { return }
        defer { agent.stop() }
        if wants("npl-1") { try isolatedLatency(agent) }
        if wants("npl-burst-100") { try burstLatency(agent) }
        for rate in Self.streamRates where wants("stream-\(rate)") { try stream(agent, perSecond: rate) }
        for rate in Self.writerRates where wants("writers-\(rate)") { try writers(agent, perSecond: rate) }
        try verify(agent.ns, DesiredState.compute(agent.cluster.state, settings: w.settings), "agent after the changes")
        var s = Sample(wallMs: 0, cpuMs: agent.process.cpuMs, userMs: 0, sysMs: 0, maxRSSKB: agent.process.memoryKB("VmHWM"))
        s.extra["steadyRSSKB"] = agent.process.memoryKB("VmRSS").map(Double.init)
        record(ScenarioResult(id: "agent-api-rss", title: "agent on the API path: RSS after all scenarios (steady) and peak (VmHWM, start-up included)",
                              n: w.n, samples: [s], verified: true))
    }

    /// One EndpointSlice change at a time, 300 ms apart: each one's latency is a sample.
    func isolatedLatency(_ agent: RunningAgent) throws {
        var samples: [Sample] = []
        for rep in 0..<(config.reps * 4) {
            let before = agent.process.programmingLatencies.count
            agent.change(sliceAt: rep % 10 * (w.base.slices.count / 10))
            try agent.process.wait(timeout: 30, "programming of one change") { agent.process.programmingLatencies.count > before }
            let ms = agent.process.programmingLatencies[before]
            samples.append(Sample(wallMs: ms, cpuMs: 0, userMs: 0, sysMs: 0))
            usleep(300_000)
        }
        record(ScenarioResult(id: "npl-1", title: "agent: network-programming latency of an isolated EndpointSlice change (trigger time to commit)",
                              n: w.n, samples: samples, verified: true))
    }

    /// 100 changes to 100 services' slices sent at once, five times; every change's latency is a sample.
    func burstLatency(_ agent: RunningAgent) throws {
        var samples: [Sample] = []
        let stride = max(1, w.base.slices.count / 100)
        for _ in 0..<5 {
            let before = agent.process.programmingLatencies.count
            for i in 0..<100 { agent.change(sliceAt: (i * stride) % w.base.slices.count) }
            try agent.process.wait(timeout: 60, "programming of a burst") { agent.process.programmingLatencies.count >= before + 100 }
            samples += agent.process.programmingLatencies[before...].map { Sample(wallMs: $0, cpuMs: 0, userMs: 0, sysMs: 0) }
            usleep(500_000)
        }
        record(ScenarioResult(id: "npl-burst-100", title: "agent: network-programming latency in bursts of 100 EndpointSlice changes (every change a sample)",
                              n: w.n, samples: samples, verified: true))
    }

    /// `rate` slice changes per second for 10 s: the agent's CPU, commits per second, latency.
    func stream(_ agent: RunningAgent, perSecond rate: Int) throws {
        let seconds = 10.0
        let cpu0 = agent.process.cpuMs, syncs0 = agent.process.syncCount, lat0 = agent.process.programmingLatencies.count
        let start = Date()
        let services = min(1000, w.base.slices.count)
        var sent = 0
        while Date().timeIntervalSince(start) < seconds {
            let due = Int(Date().timeIntervalSince(start) * Double(rate))
            while sent < due { agent.change(sliceAt: (sent % services) * (w.base.slices.count / services)); sent += 1 }
            usleep(2000)
        }
        // Drain: until no sync for 1.5 s (the backlog programmed; several changes to one service
        // count once per sync).
        let deadline = Date().addingTimeInterval(60)
        var last = -1
        while Date() < deadline {
            let n = agent.process.syncCount
            if n == last { break }
            last = n
            usleep(1_500_000)
        }
        let elapsed = Date().timeIntervalSince(start) - 1.5
        let cpu = agent.process.cpuMs - cpu0
        let latencies = Array(agent.process.programmingLatencies[lat0...])
        var s = Sample(wallMs: elapsed * 1000, cpuMs: cpu, userMs: 0, sysMs: 0)
        s.extra["cpuPercent"] = cpu / (elapsed * 1000) * 100
        s.extra["commitsPerSecond"] = Double(agent.process.syncCount - syncs0) / elapsed
        s.extra["changesPerSecond"] = Double(sent) / seconds
        if let stats = Stats(latencies) { s.extra["latencyP50Ms"] = stats.median; s.extra["latencyP99Ms"] = stats.p99 }
        guard agent.process.failed.isEmpty else { throw BenchError("agent syncs failed: \(agent.process.failed.prefix(3))") }
        record(ScenarioResult(id: "stream-\(rate)", title: "agent under \(rate) EndpointSlice changes per second for 10 s (CPU, commits per second)",
                              n: w.n, samples: [s], verified: true))
    }
}

/// One agent process, its namespace and its API server, and the objects as last sent.
final class RunningAgent {
    let ns: String
    let server: BenchAPIServer
    let process: AgentProcess
    private let namespaces: Namespaces
    private(set) var cluster: GeneratedCluster
    private var round = 0

    convenience init(runner: Runner, inputs: RealPathInputs) throws {
        try self.init(runner: runner, cluster: runner.w.base, served: (inputs.services, inputs.slices), flags: BenchFlags.node)
    }

    /// An agent with `flags` served `cluster` (its objects already serialized as `served`).
    init(runner: Runner, cluster: GeneratedCluster, served: (services: [(String, Data)], slices: [(String, Data)]),
         flags: [String]) throws {
        namespaces = runner.namespaces
        self.cluster = cluster
        ns = try namespaces.make()
        _ = try ChildProcess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"])
        server = BenchAPIServer(services: served.services, slices: served.slices, node: RealPathInputs.node)
        let server = self.server, ns = self.ns
        try blocking { try await server.start(netns: ns) }
        process = try AgentProcess(netns: ns, apiPort: server.port, flags: flags, logPath: runner.w.dir + "/agent-\(ns).log")
    }

    /// Replaces the first endpoint address of slice `index` (with `address`, or a fresh IPv4 one)
    /// and sends it with a trigger time of now.
    func change(sliceAt index: Int, to address: String? = nil) {
        round += 1
        var slice = cluster.slices[index]
        if var endpoints = slice.endpoints, !endpoints.isEmpty {
            endpoints[0].addresses = [address ?? "10.250.\(round / 250 % 250).\(round % 250 + 1)"]
            slice.endpoints = endpoints
        }
        cluster.slices[index] = slice
        let object = APIObjectJSON.object(slice, kind: "EndpointSlice", apiVersion: "discovery.k8s.io/v1",
                                          resourceVersion: server.resourceVersion + 1, triggerTime: Date())
        server.modify(BenchAPIServer.paths.slices, key: "\(slice.metadata.namespace ?? "")/\(slice.metadata.name ?? "")",
                      object: APIObjectJSON.data(object))
    }

    func stop() {
        process.stop()
        let server = self.server
        try? blocking { await server.stop() }
        namespaces.remove(ns)
    }
}

/// Runs async work from the benchmark's synchronous code.
func blocking(_ body: @escaping @Sendable () async throws -> Void) throws {
    final class Box: @unchecked Sendable { var error: Error? }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { try await body() } catch { box.error = error }
        done.signal()
    }
    done.wait()
    if let error = box.error { throw error }
}
