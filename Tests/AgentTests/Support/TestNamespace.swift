import Foundation

/// Whether network-namespace tests run: always, unless KPX_NETNS_TESTS=0 (CI sets it to 1).
enum NetnsTests {
    static let enabled = ProcessInfo.processInfo.environment["KPX_NETNS_TESTS"] != "0"
}

/// A throwaway network namespace (`ip netns add kpx-agent-PID-N`), always deleted on deinit.
final class TestNamespace: @unchecked Sendable {
    let name: String
    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()

    init() throws {
        let n = TestNamespace.lock.withLock { TestNamespace.counter += 1; return TestNamespace.counter }
        name = "kpx-agent-\(getpid())-\(n)"
        try Run.check(["ip", "netns", "add", name])
    }

    deinit { _ = try? Run.status(["ip", "netns", "delete", name]) }

    /// Runs a program inside the namespace; throws unless it exits 0.
    @discardableResult
    func exec(_ argv: [String]) throws -> String { try Run.check(["ip", "netns", "exec", name] + argv) }
}

enum Run {
    struct Failed: Error, CustomStringConvertible {
        var argv: [String]; var status: Int32; var stderr: String
        var description: String { "\(argv.joined(separator: " ")) exited \(status): \(stderr)" }
    }

    @discardableResult
    static func check(_ argv: [String]) throws -> String {
        let r = try status(argv)
        guard r.status == 0 else { throw Failed(argv: argv, status: r.status, stderr: r.err) }
        return r.out
    }

    static func status(_ argv: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let errReader = Thread.detachedRead(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: errReader.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    init(_ handle: FileHandle) {
        Thread { self.data = handle.readDataToEndOfFile(); self.done.signal() }.start()
    }
    func wait() -> Data { done.wait(); return data }
}

extension Thread {
    static func detachedRead(_ handle: FileHandle) -> PipeReader { PipeReader(handle) }
}
