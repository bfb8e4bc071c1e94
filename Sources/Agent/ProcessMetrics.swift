import Foundation
import Prometheus

/// The `process_*` series Prometheus' Go client exports (swift-prometheus does not): resident and
/// virtual memory, CPU seconds, open and maximum file descriptors, start time. Read from /proc at
/// every scrape.
struct ProcessMetrics: Sendable {
    let resident: Gauge, virtual: Gauge, cpu: Gauge, openFDs: Gauge, maxFDs: Gauge, start: Gauge

    init(registry r: PrometheusCollectorRegistry) {
        func g(_ name: String, _ help: String) -> Gauge { r.makeGauge(descriptor: AgentMetrics.d(name, help)) }
        resident = g("process_resident_memory_bytes", "Resident memory size in bytes")
        virtual = g("process_virtual_memory_bytes", "Virtual memory size in bytes")
        cpu = g("process_cpu_seconds_total", "Total user and system CPU time spent in seconds")
        openFDs = g("process_open_fds", "Number of open file descriptors")
        maxFDs = g("process_max_fds", "Maximum number of open file descriptors")
        start = g("process_start_time_seconds", "Start time of the process since unix epoch in seconds")
    }

    /// Reads /proc/self (stat fields 14-15 utime/stime, 22 starttime, 23 vsize, 24 rss in pages).
    func refresh() {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            let f = stat[stat.index(after: close)...].split(separator: " ").map(String.init)
            // f[0] is field 3 (state).
            if f.count > 21, let utime = Double(f[11]), let stime = Double(f[12]), let started = Double(f[19]),
               let vsize = Double(f[20]), let rss = Double(f[21]) {
                cpu.set(to: (utime + stime) / ticks)
                virtual.set(to: vsize)
                resident.set(to: rss * page)
                start.set(to: Self.bootTime() + started / ticks)
            }
        }
        openFDs.set(to: Double((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0))
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFDs.set(to: Double(limit.rlim_cur)) }
    }

    static func bootTime() -> Double {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) } ?? 0
    }
}
