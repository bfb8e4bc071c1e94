import Foundation

/// The machine a run was made on.
struct MachineInfo: Codable {
    var nproc: Int
    var memoryGiB: Double
    var kernel: String
    var iptables: String
    var loadAverageBefore: String
    var loadAverageAfter: String?
    var started: String
    var finished: String?

    static func current() -> MachineInfo {
        let mem = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("MemTotal:") }?
            .split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        let iptables = (try? ChildProcess.run(["iptables", "-V"], captureOutput: true).output) ?? "?"
        return MachineInfo(nproc: ProcessInfo.processInfo.activeProcessorCount, memoryGiB: (mem / 1_048_576 * 10).rounded() / 10,
                           kernel: kernelRelease(), iptables: iptables.trimmingCharacters(in: .whitespacesAndNewlines),
                           loadAverageBefore: loadAverage(), started: Date().ISO8601Format())
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?")
            .split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func kernelRelease() -> String {
        ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A whole run: machine, settings, every scenario at every size.
struct Report: Codable {
    var machine: MachineInfo
    var command: String
    var seed: UInt64
    var reps: Int
    var slowReps: Int
    var sizes: [Int]
    var results: [ScenarioResult]

    func write(to dir: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: dir + "/results.json"))
        try markdown().write(toFile: dir + "/results.md", atomically: true, encoding: .utf8)
    }

    func result(_ id: String, _ n: Int) -> ScenarioResult? { results.first { $0.id == id && $0.n == n } }
    func median(_ id: String, _ n: Int) -> Double? { result(id, n)?.wallMs?.median }

    func markdown() -> String {
        var out = "Machine: \(machine.nproc) cores, \(machine.memoryGiB) GiB, kernel \(machine.kernel), \(machine.iptables); "
        out += "load average \(machine.loadAverageBefore) at start, \(machine.loadAverageAfter ?? "?") at end "
        out += "(\(machine.started) - \(machine.finished ?? "?")). Seed \(seed), \(reps) repetitions (\(slowReps) for kube-proxy full syncs; one when the first took over the slow limit).\n\n"
        out += "Command: `\(command)`\n"
        let sizes = Array(Set(results.map(\.n))).sorted()
        for n in sizes {
            out += "\n### N = \(n) services\n\n"
            out += "| scenario | median ms | p90 | min | max | CPU ms (median) | peak RSS MB | netlink tx msgs / KiB | reps | verified |\n"
            out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
            for r in results where r.n == n {
                let w = r.wallMs
                let tx = r.extraMedians["nlTxMessages"].map { m in
                    String(format: "%.0f / %.0f", m, (r.extraMedians["nlTxBytes"] ?? 0) / 1024)
                } ?? "-"
                let rss = r.maxRSSKB.map { String(format: "%.1f", Double($0) / 1024) } ?? "-"
                out += "| \(r.title) | \(f(w?.median)) | \(f(w?.p90)) | \(f(w?.min)) | \(f(w?.max)) | \(f(r.cpuMs?.median)) | \(rss) | \(tx) | \(r.samples.count) | \(r.verified ? "yes" : "NO") |\n"
            }
            out += "\n" + phases(n) + "\n" + targets(n) + "\n" + realPaths(n)
        }
        return out
    }

    func phases(_ n: Int) -> String {
        var out = "Phases of our incremental applies (medians, ms; \"own\" = recompute + change + plan + encode + view, each timed where it runs; \"outside the kernel\" = total - commit - reads): \n\n"
            + "| scenario | total | recompute | change | plan | encode | commit (kernel) | view update | follow | chain reads | own | outside the kernel | plan ops |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for r in results where r.n == n && r.id.hasPrefix("ours-incr") {
            let e = r.extraMedians
            let cells = [r.wallMs?.median, e["recomputeMs"], e["changeMs"], e["planMs"], e["encodeMs"], e["commitMs"],
                         e["viewMs"], e["followMs"], e["readChainsMs"], e["ownMs"], e["userspaceMs"]].map { f($0) }
            out += "| \(r.id) | " + cells.joined(separator: " | ") + " | \(f(e["planOperations"], digits: 0)) |\n"
        }
        return out
    }

    func targets(_ n: Int) -> String {
        var rows: [String] = []
        func row(_ what: String, _ value: Double?, _ unit: String, _ target: String, _ met: (Double) -> Bool) {
            guard let value else { return }
            rows.append("| \(what) | \(f(value, digits: unit == "x" ? 2 : 1))\(unit) | \(target) | \(met(value) ? "met" : "**missed**") |")
        }
        func ratio(_ a: String, _ b: String) -> Double? {
            guard let x = median(a, n), let y = median(b, n), y > 0 else { return nil }
            return x / y
        }
        func cpuRatio(_ a: String, _ b: String) -> Double? {
            guard let x = result(a, n)?.cpuMs?.median, let y = result(b, n)?.cpuMs?.median, y > 0 else { return nil }
            return x / y
        }
        for k in [1, 100] {
            row("incremental \(k) / raw-netlink floor", ratio("ours-incr-\(k)", "floor-\(k)"), "x", "≤ 1.15x") { $0 <= 1.15 }
            row("incremental \(k) / raw-netlink floor, CPU time", cpuRatio("ours-incr-\(k)", "floor-\(k)"), "x", "≤ 1.15x") { $0 <= 1.15 }
            row("incremental \(k): our own computation (timed where it runs)", result("ours-incr-\(k)", n)?.extraMedians["ownMs"], " ms", "≤ 2 ms") { $0 <= 2 }
            row("incremental \(k): wall time outside the kernel (total - commit - reads)", result("ours-incr-\(k)", n)?.extraMedians["userspaceMs"], " ms", "≤ 2 ms") { $0 <= 2 }
            row("kube-proxy partial \(k) / incremental \(k)", ratio("kp-partial-\(k)", "ours-incr-\(k)"), "x", "≥ 10x") { $0 >= 10 }
            row("kube-proxy partial \(k) / incremental \(k), CPU time", cpuRatio("kp-partial-\(k)", "ours-incr-\(k)"), "x", "≥ 10x") { $0 >= 10 }
            row("kube-proxy partial \(k) / incremental \(k) after foreign write", ratio("kp-partial-\(k)", "ours-incr-foreign-\(k)"), "x", "≥ 10x") { $0 >= 10 }
        }
        row("kube-proxy full sync (empty) / cold apply", ratio("kp-full-empty", "ours-cold"), "x", "≥ 50x") { $0 >= 50 }
        row("kube-proxy full sync (empty) / cold apply, CPU time", cpuRatio("kp-full-empty", "ours-cold"), "x", "≥ 50x") { $0 >= 50 }
        row("flushing iptables-restore / cold apply", ratio("kp-restore-flush", "ours-cold"), "x", "≥ 2x") { $0 >= 2 }
        row("restart, table in sync", median("ours-restart", n), " ms", "≤ 1500 ms, zero writes") { $0 <= 1500 }
        row("dump+decode / iptables-save", ratio("ours-dump", "iptables-save"), "x", "< 1x") { $0 < 1 }
        row("dump+decode / iptables-save, CPU time", cpuRatio("ours-dump", "iptables-save"), "x", "< 1x") { $0 < 1 }
        row("agent steady RSS (after the syncs)", result("agent-rss", n)?.extraMedians["steadyRSSKB"].map { $0 / 1024 }, " MB", "≤ 150 MB") { $0 <= 150 }
        row("agent peak RSS while running (over the syncs)", result("agent-rss", n)?.extraMedians["runningPeakRSSKB"].map { $0 / 1024 }, " MB", "≤ 150 MB") { $0 <= 150 }
        row("agent peak RSS including start-up (cold apply)", result("agent-rss", n)?.maxRSSKB.map { Double($0) / 1024 }, " MB", "≤ 150 MB") { $0 <= 150 }
        row("dual-stack incremental 1 / two-family raw-netlink floor", ratio("dual-incr-1", "dual-floor-1"), "x", "≤ 1.15x") { $0 <= 1.15 }
        row("kube-proxy dual-stack partial 1 / dual-stack incremental 1", ratio("kp-dual-partial-1", "dual-incr-1"), "x", "≥ 10x") { $0 >= 10 }
        row("dual-stack agent steady RSS (after the syncs)", result("dual-agent-rss", n)?.extraMedians["steadyRSSKB"].map { $0 / 1024 }, " MB", "beside single-family") { _ in true }
        row("dual-stack agent peak RSS including start-up", result("dual-agent-rss", n)?.maxRSSKB.map { Double($0) / 1024 }, " MB", "beside single-family") { _ in true }
        return "Targets (the issue sets them at 10k; shown at every size):\n\n| target | measured | goal | |\n|---|---:|---|---|\n" + rows.joined(separator: "\n") + "\n"
    }

    func f(_ v: Double?, digits: Int = 1) -> String {
        guard let v else { return "-" }
        return String(format: "%.\(digits)f", v)
    }
}
