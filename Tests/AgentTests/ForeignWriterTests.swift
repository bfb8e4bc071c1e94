import APIServerSupport
@testable import Agent
import Foundation
import Reconciler
import ReconcilerTesting
import Testing

/// Issue 16's torture test: another process writes iptables rules into foreign chains of nat and
/// filter about 20-40 times a second for 30 s, sometimes into our chains and once flushing one of
/// them, while Services change every half second. Every change is programmed while the writer
/// runs, our chains are repaired, every foreign rule is kept and no sync fails.
@Suite(.serialized) struct ForeignWriterTests {
    static let seconds = 30

    /// The writer: a shell loop in the namespace; counts its successful foreign appends per table.
    static func writerScript(dir: String) -> String {
        """
        iptables -t nat -N DOCKER && iptables -N DOCKER-USER || exit 1
        n=0; end=$((SECONDS+\(seconds)))
        while [ $SECONDS -lt $end ]; do
          n=$((n+1))
          iptables -w -t nat -A DOCKER -p tcp --dport $((n % 60000 + 1024)) -j RETURN && echo >> \(dir)/nat
          iptables -w -A DOCKER-USER -s 192.0.2.$((n % 250 + 1)) -j RETURN && echo >> \(dir)/filter
          [ $((n % 40)) -eq 0 ] && iptables -w -t nat -A KUBE-SERVICES -s 198.51.100.1 -j RETURN
          [ $n -eq 150 ] && iptables -w -t nat -F KUBE-NODEPORTS
          sleep 0.01
        done
        echo $n > \(dir)/done
        """
    }

    @Test(.timeLimit(.minutes(3)))
    func changesAreProgrammedWhileAnotherWriterKeepsWriting() async throws {
        var cluster = ClusterGenerator(seed: 3).cluster(services: 300)
        let settings = K.generatedSettings
        let h = try await AgentHarness.serving(cluster)
        #expect(await h.converges(to: DesiredState.compute(cluster.state, settings: settings), within: .seconds(20)))
        let failuresBefore = h.agent.stats.failures
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-writer-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        writer.arguments = ["ip", "netns", "exec", h.ns.name, "bash", "-c", Self.writerScript(dir: dir)]
        try writer.run()
        defer { if writer.isRunning { writer.terminate() } }

        // A change every half second; each one made while the writer runs is programmed within
        // 10 s (the storm lasts 30 s and the periodic sync comes every 30 s: nothing waits for
        // either; the latency itself is kpx-bench's `writers-*`, and under a fully loaded test
        // run one change took just over 5 s). How many rounds fall inside the storm depends on
        // the machine's speed, so only a minimum is asked of that count.
        var madeDuringStorm = 0, programmedDuringStorm = 0
        for round in 1...20 {
            let running = writer.isRunning
            let index = round * 7 % cluster.slices.count
            if var endpoints = cluster.slices[index].endpoints, !endpoints.isEmpty {
                endpoints[0].addresses = ["10.251.0.\(round)"]
                cluster.slices[index].endpoints = endpoints
            }
            h.api.upsert(cluster.slices[index])
            let desired = DesiredState.compute(cluster.state, settings: settings)
            let programmed = await h.converges(to: desired, within: .seconds(10))
            if running { madeDuringStorm += 1; if programmed { programmedDuringStorm += 1 } }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(madeDuringStorm >= 5, "only \(madeDuringStorm) changes were made while the writer ran")
        #expect(programmedDuringStorm == madeDuringStorm,
                "\(madeDuringStorm - programmedDuringStorm) of \(madeDuringStorm) changes made during the storm were not programmed within 10 s")
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        let desired = DesiredState.compute(cluster.state, settings: settings)
        #expect(await h.converges(to: desired, within: .seconds(10)), "\(h.difference(to: desired))")
        // Every foreign rule the writer added is still there.
        func lines(_ file: String) -> Int { ((try? String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false).count - 1 }
        let nat = try h.ns.exec(["iptables", "-t", "nat", "-S", "DOCKER"]).split(separator: "\n").filter { $0.hasPrefix("-A DOCKER ") }.count
        let filter = try h.ns.exec(["iptables", "-S", "DOCKER-USER"]).split(separator: "\n").filter { $0.hasPrefix("-A DOCKER-USER ") }.count
        #expect(nat == lines("nat") && filter == lines("filter") && nat > 100, "nat \(nat)/\(lines("nat")), filter \(filter)/\(lines("filter"))")
        #expect(h.agent.stats.failures == failuresBefore, "\(h.agent.stats.failures - failuresBefore) syncs failed")
        await h.stop()
    }
}
