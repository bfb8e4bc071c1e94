import Foundation

/// The real `kpx-reconcile agent` in a process of its own inside a benchmark namespace, with what
/// its JSON log says (`--logging-format json --v=4`): every completed sync and kube-proxy's
/// per-service "Network programming" latency; and what /proc says of its CPU time and memory.
final class AgentProcess: @unchecked Sendable {
    struct Sync { var at: Double; var reason: String }
    private let process = Process()
    private let lock = NSLock()
    private var syncs: [Sync] = []
    private var latencies: [Double] = []
    private var failures: [String] = []
    private var repairs: [Double] = []
    private var buffer = Data()
    let started = Date()

    /// The kpx-reconcile binary beside this one (scripts/bench.sh builds both).
    static var binary: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("kpx-reconcile").path
    }

    private let log: FileHandle?

    /// `logPath`: where the agent's log lines are kept (the run's output directory).
    init(netns: String, apiPort: Int, flags: [String], logPath: String? = nil) throws {
        if let logPath, FileManager.default.createFile(atPath: logPath, contents: nil) {
            log = FileHandle(forWritingAtPath: logPath)
        } else {
            log = nil
        }
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw BenchError("\(Self.binary) not found: build it (swift build -c release --product kpx-reconcile)")
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", netns, Self.binary, "agent", "--master", "http://127.0.0.1:\(apiPort)",
                             "--logging-format", "json", "--v=4", "--metrics-bind-address", "", "--healthz-bind-address", ""] + flags
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.consume(handle.availableData) }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    private func consume(_ data: Data) {
        log?.write(data)
        lock.withLock {
            buffer += data
            while let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<nl]
                buffer = Data(buffer[buffer.index(after: nl)...])
                record(line)
            }
        }
    }

    private func record(_ line: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], let msg = object["msg"] as? String else { return }
        let ts = object["ts"] as? Double ?? Date().timeIntervalSince1970
        if msg.hasPrefix("synced") || msg == "in sync" {
            syncs.append(Sync(at: ts, reason: object["reason"] as? String ?? ""))
        } else if msg == "Network programming", let elapsed = (object["elapsed"] as? String).flatMap(Double.init) {
            latencies.append(elapsed * 1000)
        } else if msg.hasPrefix("repaired rules changed by someone else") {
            repairs.append(ts)
        } else if msg.hasPrefix("sync failed") {
            failures.append("\(object["error"] ?? "")")
        }
    }

    var syncCount: Int { lock.withLock { syncs.count } }
    var firstSync: Sync? { lock.withLock { syncs.first } }
    var failed: [String] { lock.withLock { failures } }
    /// When drift repairs were logged (seconds since 1970).
    var repairTimes: [Double] { lock.withLock { repairs } }
    /// Network-programming latencies (ms) logged so far.
    var programmingLatencies: [Double] { lock.withLock { latencies } }

    /// Waits until `condition` holds (polling every 5 ms), at most `timeout` seconds.
    func wait(timeout: Double, _ what: String, until condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard process.isRunning else { throw BenchError("agent exited (\(process.terminationStatus)) waiting for \(what)") }
            guard Date() < deadline else { throw BenchError("agent: no \(what) within \(timeout) s") }
            usleep(5000)
        }
    }

    /// User + system CPU time of the agent process so far (ms).
    var cpuMs: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)  // utime, stime (fields 14, 15)
        return ticks * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A field of /proc/PID/status in KiB (VmRSS, VmHWM).
    func memoryKB(_ field: String) -> Int? {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix(field + ":") }?
            .split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }
}
