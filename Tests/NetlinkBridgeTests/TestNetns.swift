import Foundation

/// A throwaway network namespace for one test (`ip netns add kpxtest-PID-N`), deleted on deinit.
/// Live tests run only with KPX_NETNS_TESTS=1.
final class TestNetns {
    static var enabled: Bool { ProcessInfo.processInfo.environment["KPX_NETNS_TESTS"] == "1" }
    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()

    let name: String

    init() throws {
        let n = TestNetns.lock.withLock { TestNetns.counter += 1; return TestNetns.counter }
        name = "kpxtest-\(getpid())-\(n)"
        try TestNetns.run(["ip", "netns", "add", name])
    }

    /// Deletes the namespace; retried because concurrent `ip netns add/delete` can race on the
    /// shared /var/run/netns mount.
    deinit {
        for attempt in 0..<10 {
            if let r = try? TestNetns.runStatus(["ip", "netns", "delete", name]), r.status == 0 { return }
            if !FileManager.default.fileExists(atPath: "/var/run/netns/\(name)") { return }
            usleep(useconds_t(20_000 * (attempt + 1)))
        }
        print("warning: could not delete netns \(name)")
    }

    /// Runs `argv` inside the namespace; returns stdout. Throws with stderr on failure.
    @discardableResult
    func exec(_ argv: [String], input: String? = nil) throws -> String {
        try TestNetns.run(["ip", "netns", "exec", name] + argv, input: input)
    }

    @discardableResult
    func exec(_ argv: [String], input: String? = nil) throws -> (status: Int32, out: String, err: String) {
        try TestNetns.runStatus(["ip", "netns", "exec", name] + argv, input: input)
    }

    struct CommandFailed: Error, CustomStringConvertible {
        var argv: [String]; var status: Int32; var stderr: String
        var description: String { "\(argv.joined(separator: " ")) exited \(status): \(stderr)" }
    }

    @discardableResult
    static func run(_ argv: [String], input: String? = nil) throws -> String {
        let r = try runStatus(argv, input: input)
        guard r.status == 0 else { throw CommandFailed(argv: argv, status: r.status, stderr: r.err) }
        return r.out
    }

    static func runStatus(_ argv: [String], input: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
