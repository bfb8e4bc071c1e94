import Foundation

/// The "real paths" part of the report (issue 13): decoding, CLI, agent start-up, latency, CPU
/// under streams, each with the kube-proxy figure of the same run it is judged against.
extension Report {
    func realPaths(_ n: Int) -> String {
        guard results.contains(where: { $0.n == n && ["decode-yaml", "decode-json", "agent-startup-api"].contains($0.id) }) else { return "" }
        var out = "Real paths (ms; latencies: p50 / p99 / mean over every change):\n\n| path | ours | kube-proxy / reference | ratio |\n|---|---:|---:|---:|\n"
        func row(_ what: String, _ ours: Double?, _ theirs: Double?, _ reference: String) {
            guard let ours else { return }
            let ratio = theirs.map { String(format: "%.2fx", ours / $0) } ?? "-"
            out += "| \(what) | \(f(ours)) | \(theirs.map { f($0) } ?? "-") (\(reference)) | \(ratio) |\n"
        }
        let flush = median("kp-restore-flush", n)
        row("YAML manifest → model", median("decode-yaml", n), flush, "flushing iptables-restore")
        row("JSON manifest → model", median("decode-json", n), flush, "flushing iptables-restore")
        row("CLI cold apply from YAML (process)", median("cli-cold-yaml", n), median("kp-full-empty", n), "kube-proxy full sync")
        row("agent start-up on the API path", median("agent-startup-api", n), flush, "flushing iptables-restore")
        for id in ["npl-1", "npl-burst-100"] {
            guard let r = result(id, n), let w = r.wallMs else { continue }
            let mean = r.samples.map(\.wallMs).reduce(0, +) / Double(r.samples.count)
            out += "| \(r.title) | \(f(w.median)) / \(f(w.p99)) / \(f(mean)) | "
            out += id == "npl-1" ? "\(f(median("kp-partial-1", n))) (kube-proxy partial sync, 1 service); ours-incr-1 \(f(median("ours-incr-1", n))) | "
                : "isolated mean \(f(result("npl-1", n).map { $0.samples.map(\.wallMs).reduce(0, +) / Double($0.samples.count) })) | "
            out += "\(id == "npl-1" ? (median("ours-incr-1", n).map { String(format: "%.2fx incr", w.median / $0) } ?? "-") : "-") |\n"
        }
        for rate in [10, 100, 1000] {
            guard let e = result("stream-\(rate)", n)?.extraMedians else { continue }
            let kp = result("kp-partial-\(rate >= 100 ? 100 : 1)", n)?.cpuMs?.median
            out += "| \(rate) changes/s: CPU \(f(e["cpuPercent"]))% of a core, \(f(e["commitsPerSecond"])) commits/s, latency p50 \(f(e["latencyP50Ms"])) / p99 \(f(e["latencyP99Ms"])) ms | "
            out += "\(f(e["cpuPercent"].map { $0 * 10 })) ms CPU/s | \(f(kp)) ms CPU/s (kube-proxy: one partial sync of \(rate >= 100 ? 100 : 1) per second, at least) | "
            out += "\(kp.flatMap { k in e["cpuPercent"].map { String(format: "%.2fx", $0 * 10 / k) } } ?? "-") |\n"
        }
        let quiet = result("writers-0", n)?.wallMs?.median
        for rate in [0, 10, 20, 50] {
            guard let r = result("writers-\(rate)", n), let w = r.wallMs else { continue }
            let e = r.extraMedians
            out += "| next to a foreign writer at \(f(e["writerCommandsPerSecond"])) iptables commands/s: 1-service change p50 \(f(w.median)) / p99 \(f(w.p99)) ms, "
            out += "agent CPU \(f(e["idleCpuPercent"]))% with the writer alone (\(f(e["cpuPercent"]))% with our changes), failed syncs \(f(e["failedSyncs"], digits: 0)), our chain repaired in \(f(e["repairMs"])) ms, "
            out += "verification read \(f(e["verifyReadMs"])) ms | \(f(w.median)) | \(f(quiet)) (no writer) | "
            out += "\(quiet.map { String(format: "%.2fx", w.median / $0) } ?? "-") |\n"
        }
        if let r = result("agent-api-rss", n) {
            out += "| agent RSS on the API path: steady / peak (MB) | \(f(r.extraMedians["steadyRSSKB"].map { $0 / 1024 })) / \(f(r.maxRSSKB.map { Double($0) / 1024 })) | 150 / 200 (targets) | - |\n"
        }
        return out
    }
}
