import Foundation

/// Whether network-namespace tests run: always, unless KPX_NETNS_TESTS=0. CI sets it to 1,
/// and then a missing capability is a failure, not a skip.
public enum NetnsTests {
    public static let enabled = ProcessInfo.processInfo.environment["KPX_NETNS_TESTS"] != "0"
}

/// A throwaway network namespace (`ip netns add PREFIX-PID-N`), deleted when released. Tests use
/// one per test so that nothing touches the machine's own firewall.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String
    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()

    public init(prefix: String = "kpx-it") throws {
        let serial = NetworkNamespace.lock.withLock { () -> Int in
            NetworkNamespace.counter += 1
            return NetworkNamespace.counter
        }
        name = "\(prefix)-\(getpid())-\(serial)"
        try Shell.check(["ip", "netns", "add", name])
    }

    /// Deletes the namespace; retried because concurrent `ip netns add/delete` can race on the
    /// shared /var/run/netns mount.
    deinit {
        for attempt in 0..<10 {
            if let result = try? Shell.run(["ip", "netns", "delete", name]), result.status == 0 { return }
            if !FileManager.default.fileExists(atPath: "/var/run/netns/\(name)") { return }
            usleep(useconds_t(20_000 * (attempt + 1)))
        }
        print("warning: could not delete netns \(name)")
    }

    /// Runs a program inside the namespace.
    @discardableResult
    public func run(_ argv: [String], stdin: String? = nil) throws -> CommandResult {
        try Shell.run(["ip", "netns", "exec", name] + argv, stdin: stdin)
    }

    /// Runs a program inside the namespace and fails unless it exits 0.
    @discardableResult
    public func check(_ argv: [String], stdin: String? = nil) throws -> String {
        try Shell.check(["ip", "netns", "exec", name] + argv, stdin: stdin)
    }

    /// `iptables-save` (or ip6tables-save) output without `#` lines, counters zeroed.
    public func save(_ family: String = "ipv4", table: String? = nil) throws -> String {
        let tool = family == "ipv6" ? "ip6tables-save" : "iptables-save"
        let text = try check([tool] + (table.map { ["-t", $0] } ?? []))
        return OracleText.normalize(text)
    }
}

/// Normalises iptables text for comparison: no `#` lines, counters zeroed.
public enum OracleText {
    public static func normalize(_ text: String) -> String {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { line -> String in
                guard line.hasPrefix(":"), let open = line.lastIndex(of: "[") else { return String(line) }
                return line[..<open] + "[0:0]"
            }
            .joined(separator: "\n") + "\n"
    }
}
