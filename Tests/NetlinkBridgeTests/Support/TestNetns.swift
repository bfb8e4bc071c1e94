import Foundation
@_exported import TestSupport

/// A throwaway network namespace for one live test (the shared `NetworkNamespace`), with the
/// call shapes these tests use. Live tests run only with KPX_NETNS_TESTS=1.
final class TestNetns {
    /// The one namespace-test switch (`NetnsTests.enabled`: on unless KPX_NETNS_TESTS=0).
    static var enabled: Bool { NetnsTests.enabled }

    private let namespace: NetworkNamespace
    var name: String { namespace.name }

    init() throws { namespace = try NetworkNamespace(prefix: "kpxtest") }

    /// Runs `argv` inside the namespace; returns stdout. Throws with stderr on failure.
    @discardableResult
    func exec(_ argv: [String], input: String? = nil) throws -> String {
        try namespace.check(argv, stdin: input)
    }

    @discardableResult
    func exec(_ argv: [String], input: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let result = try namespace.run(argv, stdin: input)
        return (result.status, result.stdout, result.stderr)
    }

    @discardableResult
    static func run(_ argv: [String], input: String? = nil) throws -> String {
        try Shell.check(argv, stdin: input)
    }

    static func runStatus(_ argv: [String], input: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let result = try Shell.run(argv, stdin: input)
        return (result.status, result.stdout, result.stderr)
    }
}
