import Foundation
@_exported import TestSupport

/// The agent tests' throwaway namespace: the shared `NetworkNamespace`.
typealias TestNamespace = NetworkNamespace

extension NetworkNamespace {
    /// Runs a program inside the namespace; throws unless it exits 0.
    @discardableResult
    func exec(_ argv: [String]) throws -> String { try check(argv) }
}

/// Running programs outside any namespace, through the shared `Shell`.
enum Run {
    @discardableResult
    static func check(_ argv: [String]) throws -> String { try Shell.check(argv) }

    static func status(_ argv: [String]) throws -> (status: Int32, out: String, err: String) {
        let result = try Shell.run(argv)
        return (result.status, result.stdout, result.stderr)
    }
}
