import ArgumentParser
import Foundation

/// `kpx-bench run`: every scenario at every size; results.json and results.md in --output.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the benchmark scenarios.")

    @Option(help: "Comma-separated numbers of services.") var sizes = "1000,5000"
    @Option(help: "Repetitions per scenario.") var reps = 5
    @Option(help: "Repetitions of kube-proxy's full syncs (slow).") var slowReps = 3
    @Option(help: "A scenario whose first repetition takes longer (seconds) is not repeated.") var slowLimit = 60.0
    @Option(help: "Pause (ms) before every timed repetition, after the previous one's verification.") var settleMs: UInt32 = 0
    @Option(help: "Skip kube-proxy's full-sync scenarios above this many services.") var kubeProxyFullMax: Int?
    @Flag(help: "Measure only our scenarios (e.g. to compare a build against an earlier run's kube-proxy figures).")
    var skipKubeProxy = false
    @Option(help: "Comma-separated scenario ids to skip (e.g. ours-cold,agent-rss).") var skip = ""
    @Option var seed: UInt64 = 42
    @Option(help: "Output directory.") var output = "bench-results"

    func run() throws {
        guard getuid() == 0 else { throw BenchError("run as root (creates network namespaces)") }
        let sizes = self.sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let namespaces = Namespaces()
        defer { namespaces.removeAll() }
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in
                // Delete this run's namespaces before dying (names carry our pid).
                let prefix = "kpxb-\(getpid())-"
                let names = (try? FileManager.default.contentsOfDirectory(atPath: "/var/run/netns")) ?? []
                for n in names where n.hasPrefix(prefix) { _ = try? ChildProcess.run(["ip", "netns", "delete", n]) }
                Glibc.exit(130)
            }
        }
        var report = Report(machine: MachineInfo.current(), command: CommandLine.arguments.joined(separator: " "),
                            seed: seed, reps: reps, slowReps: slowReps, sizes: sizes, results: [])
        let log: (String) -> Void = { FileHandle.standardError.write(Data("[\(Date().ISO8601Format())] \($0)\n".utf8)) }
        for n in sizes {
            log("N=\(n): generating (seed \(seed))")
            let workload = try Workload(n: n, seed: seed, changeCounts: [1, 100], dir: output + "/inputs-\(n)")
            let runner = Runner(workload, config: .init(reps: reps, slowReps: slowReps, slowLimitMs: slowLimit * 1000,
                                                        seed: seed, skipKubeProxyFullAbove: kubeProxyFullMax,
                                                        skipKubeProxy: skipKubeProxy,
                                                        skip: Set(skip.split(separator: ",").map(String.init)),
                                                        settleMs: settleMs),
                                namespaces: namespaces, log: log)
            let partialBase = report
            let out = output
            runner.onRecord = { results in
                var partial = partialBase
                partial.results = partialBase.results + results
                try? partial.write(to: out)
            }
            do {
                try runner.runAll()
            } catch {
                report.results += runner.results
                try report.write(to: output)
                throw error
            }
            report.results += runner.results
            report.machine.loadAverageAfter = MachineInfo.loadAverage()
            report.machine.finished = Date().ISO8601Format()
            try report.write(to: output)
            log("N=\(n): written \(output)/results.json, results.md")
        }
    }
}
