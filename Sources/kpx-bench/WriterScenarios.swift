import ReconcilerTesting
import Foundation
import NetlinkBridge
import Reconciler

/// Issue 16: the agent next to another writer. A shell loop in the agent's namespace appends
/// iptables rules to foreign chains of nat and filter (Docker's DOCKER and DOCKER-USER) at a
/// target rate while isolated EndpointSlice changes arrive; the samples are those changes'
/// network-programming latencies, with the agent's CPU and the writer's real rate beside.
extension Runner {
    static let writerRates = [0, 10, 20, 50]

    func writers(_ agent: RunningAgent, perSecond rate: Int) throws {
        let writer = rate > 0 ? try ForeignWriter(netns: agent.ns, perSecond: rate) : nil
        defer { writer?.stop() }
        usleep(1_000_000)
        // What the writer alone costs the agent: 3 s with no change of ours.
        let idle0 = agent.process.cpuMs
        usleep(3_000_000)
        let idleCpuPercent = (agent.process.cpuMs - idle0) / 3000 * 100
        let cpu0 = agent.process.cpuMs, start = Date(), failed0 = agent.process.failed.count
        var samples: [Sample] = []
        for rep in 0..<10 {
            let before = agent.process.programmingLatencies.count
            agent.change(sliceAt: (rep * 37 + 5) % w.base.slices.count)
            try agent.process.wait(timeout: 60, "programming of one change next to a writer") { agent.process.programmingLatencies.count > before }
            samples.append(Sample(wallMs: agent.process.programmingLatencies[before], cpuMs: 0, userMs: 0, sysMs: 0))
            usleep(300_000)
        }
        // A write into one of our chains: the time until the agent logs its repair.
        let repairsBefore = agent.process.repairTimes.count
        let wrote = Date().timeIntervalSince1970
        _ = try ChildProcess.run(["ip", "netns", "exec", agent.ns, "iptables", "-w", "-t", "nat", "-A", "KUBE-SERVICES",
                                  "-s", "198.51.100.7/32", "-j", "RETURN"])
        try agent.process.wait(timeout: 30, "repair of our chain") { agent.process.repairTimes.count > repairsBefore }
        let repairMs = (agent.process.repairTimes[repairsBefore] - wrote) * 1000
        // A full verification read (settled from the notifications) in this process, beside the writer.
        let verifyMs = try timedVerification(agent)
        let elapsed = Date().timeIntervalSince(start)
        let cpuPercent = (agent.process.cpuMs - cpu0) / (elapsed * 1000) * 100
        for i in samples.indices {
            samples[i].extra["cpuPercent"] = cpuPercent
            samples[i].extra["idleCpuPercent"] = idleCpuPercent
            samples[i].extra["writerCommandsPerSecond"] = writer.map { Double($0.commands) / Date().timeIntervalSince($0.started) } ?? 0
            samples[i].extra["failedSyncs"] = Double(agent.process.failed.count - failed0)
            samples[i].extra["repairMs"] = repairMs
            samples[i].extra["verifyReadMs"] = verifyMs
        }
        record(ScenarioResult(id: "writers-\(rate)", title: "agent: 1-service change latency with a foreign iptables writer at \(rate) commands/s (nat and filter foreign chains)",
                              n: w.n, samples: samples, verified: agent.process.failed.count == failed0))
    }
}

extension Runner {
    /// A fresh engine's verification of the agent's current state (a full, settled read and a
    /// plan), following notifications like the agent does.
    func timedVerification(_ agent: RunningAgent) throws -> Double {
        let backend = try TimedBackend(netns: agent.ns)
        backend.follower = try ChangeFollower(netns: agent.ns, family: .ipv4)
        let desired = DesiredState.compute(agent.cluster.state, settings: w.settings)
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        let start = ContinuousClock.now
        _ = try engine.verify(desired)
        return milliseconds(since: start)
    }
}

/// `iptables` appends into foreign chains, at about `perSecond` commands a second, from a
/// shell loop in the namespace; it counts the commands that succeeded.
final class ForeignWriter {
    private let process = Process()
    private let countFile: String
    let started = Date()

    init(netns: String, perSecond: Int) throws {
        countFile = NSTemporaryDirectory() + "kpxb-writer-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        _ = FileManager.default.createFile(atPath: countFile, contents: nil)
        let pause = String(format: "%.4f", 1.0 / Double(perSecond))
        let script = """
            iptables -w -t nat -N DOCKER 2>/dev/null; iptables -w -N DOCKER-USER 2>/dev/null
            n=0
            while :; do
              n=$((n+1))
              if [ $((n % 2)) -eq 0 ]; then iptables -w -t nat -A DOCKER -p tcp --dport $((n % 60000 + 1024)) -j RETURN
              else iptables -w -A DOCKER-USER -s 192.0.2.$((n % 250 + 1)) -j RETURN; fi && echo >> \(countFile)
              sleep \(pause)
            done
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", netns, "bash", "-c", script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Commands that succeeded so far.
    var commands: Int { ((try? Data(contentsOf: URL(fileURLWithPath: countFile))) ?? Data()).count }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        unlink(countFile)
    }
}
