public import Foundation

/// The result of running a program.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// A program that exited non-zero.
public struct ShellError: Error, CustomStringConvertible {
    public var command: String
    public var status: Int32
    public var stderr: String
    public var description: String { "`\(command)` exited \(status): \(stderr)" }

    public init(command: String, status: Int32, stderr: String) {
        self.command = command
        self.status = status
        self.stderr = stderr
    }
}

/// Runs programs for tests (oracles such as iptables-save, and the built CLI). The one place
/// test code starts processes.
public enum Shell {
    /// Runs `argv` with optional standard input and returns its status and output.
    @discardableResult
    public static func run(_ argv: [String], stdin: String? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let writer = Thread {
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errData = PipeReader(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.wait(), as: UTF8.self))
    }

    /// Runs `argv` and fails with its stderr unless it exits 0.
    @discardableResult
    public static func check(_ argv: [String], stdin: String? = nil) throws -> String {
        let result = try run(argv, stdin: stdin)
        guard result.status == 0 else {
            throw ShellError(command: argv.joined(separator: " "), status: result.status, stderr: result.stderr)
        }
        return result.stdout
    }
}

/// Reads a pipe to its end on a background thread.
public final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    public init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    public func wait() -> Data {
        done.wait()
        return data
    }
}
