import Foundation
import Testing
@testable import Reconciler

/// Large transactions through the CLI in a fresh namespace (thousands of chains and rules in one
/// batch: buffer sizes, per-message errors and acks, the post-commit refresh): a 1,000-service
/// cluster converges from empty, then one service changes (a small plan), then every endpoint
/// moves (every SEP chain replaced), then almost everything goes (thousands of stale chains).
/// Each time the live state equals the desired state and a second run does nothing. No timing
/// is asserted (benchmarks measure speed).
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct ScaleTests {
    /// `services` ClusterIP services with two endpoints each; `shift` moves every endpoint;
    /// `changed` gives that one service a third endpoint.
    static func manifest(services: Int, shift: Int = 0, changed: Int? = nil) -> String {
        var out = "apiVersion: v1\nkind: List\nitems:\n"
        for i in 0..<services {
            out += """
                - apiVersion: v1
                  kind: Service
                  metadata: {name: s\(i), namespace: big}
                  spec: {type: ClusterIP, clusterIP: 172.30.\(i / 250).\(i % 250 + 1), ports: [{name: p80, port: 80, protocol: TCP}]}
                - apiVersion: discovery.k8s.io/v1
                  kind: EndpointSlice
                  metadata: {name: s\(i)-1, namespace: big, labels: {kubernetes.io/service-name: s\(i)}}
                  addressType: IPv4
                  endpoints:

                """
            for e in 0..<(i == changed ? 3 : 2) {
                let n = i * 3 + e + shift
                out += "  - addresses: [10.\(n / 60000 + 1).\((n / 250) % 240).\(n % 250 + 1)]\n"
            }
            out += "  ports: [{name: p80, port: 80, protocol: TCP}]\n"
        }
        return out
    }

    @Test func largeClusterConvergesAndChangesIncrementally() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags(["--hostname-override", "node-a", "--node-ip", "192.168.0.2", "--cluster-cidr", "10.0.0.0/8"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-scale-\(namespace.name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let steps: [(String, String, (PlanSummary) -> Bool)] = [
            ("empty -> 1000 services", Self.manifest(services: 1000), { $0.chainsCreated > 3000 }),
            ("one service gains an endpoint", Self.manifest(services: 1000, changed: 7),
             { $0.chainsCreated == 1 && $0.chainsDeleted == 0 && $0.rulesAdded + $0.rulesReplaced <= 5 }),
            ("every endpoint moves", Self.manifest(services: 1000, shift: 1), { $0.chainsCreated >= 999 && $0.chainsDeleted >= 999 }),
            ("down to 10 services", Self.manifest(services: 10, shift: 1), { $0.chainsDeleted > 2900 }),
        ]
        for (index, (what, text, expected)) in steps.enumerated() {
            let file = directory.appendingPathComponent("step\(index).yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let document = try Kpx.reconcileJSON(namespace, [file.path], flags)
            #expect(expected(document.summary), "\(what): \(document.summary)")
            try Converged.expect(namespace, equals: try flags.desired([file.path]), what)
            try Converged.expectIdle(namespace, [file.path], flags, what)
        }
    }
}
