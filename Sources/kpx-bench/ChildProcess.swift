import Foundation

/// A finished child process: exit status, wall time, its own CPU time and peak RSS (wait4).
struct ChildResult {
    var status: Int32
    var sample: Sample
    var output: String
}

enum ChildProcess {
    /// Runs `argv` with stdin from `stdinPath` (or /dev/null), stdout captured to a temp file when
    /// `captureOutput`, else discarded; stderr is captured for error messages.
    static func run(_ argv: [String], stdinPath: String? = nil, captureOutput: Bool = false) throws -> ChildResult {
        let outPath = NSTemporaryDirectory() + "kpxb-out-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, captureOutput ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, outPath + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { unlink(outPath + ".err") }
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        let t0 = ContinuousClock.now
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ)
        guard rc == 0 else { throw BenchError("spawn \(argv[0]): errno \(rc)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let wall = milliseconds(since: t0)
        let u = Usage(usage)
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = captureOutput ? ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "") : ""
        if exit != 0 {
            let err = (try? String(contentsOfFile: outPath + ".err", encoding: .utf8)) ?? ""
            throw BenchError("\(argv.joined(separator: " ")) exited \(exit): \(err.prefix(600))")
        }
        return ChildResult(status: exit,
                           sample: Sample(wallMs: wall, cpuMs: u.cpuMs, userMs: u.userMs, sysMs: u.sysMs, maxRSSKB: u.maxRSSKB),
                           output: out)
    }

    /// `ip netns exec NS argv...`, under GNU time when installed for the command's own peak RSS:
    /// a child spawned straight from this process inherits our RSS high-water mark through
    /// vfork+exec, so its wait4 ru_maxrss is not its own.
    static func inNamespace(_ ns: String, _ argv: [String], stdinPath: String? = nil, captureOutput: Bool = false) throws -> ChildResult {
        let command = ["ip", "netns", "exec", ns] + argv
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else {
            var r = try run(command, stdinPath: stdinPath, captureOutput: captureOutput)
            r.sample.maxRSSKB = nil
            return r
        }
        let rssPath = NSTemporaryDirectory() + "kpxb-rss-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(rssPath) }
        var r = try run(["/usr/bin/time", "-f", "%M", "-o", rssPath] + command, stdinPath: stdinPath, captureOutput: captureOutput)
        r.sample.maxRSSKB = (try? String(contentsOfFile: rssPath, encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return r
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
