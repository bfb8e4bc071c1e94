import Foundation
import Testing
@testable import Reconciler

/// Issue 14 "real traffic in both families": the traffic test's topology in both families (a
/// client, the node programmed by one dual-stack kpx-reconcile run, three pods with an IPv4 and
/// an IPv6 address each). TCP to the ClusterIP and the NodePort of each family reaches exactly
/// the endpoints of that family, before and after an update that swaps pod1 for pod3 in both.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct DualStackTrafficTests {
    static let before = Fixtures.root.appendingPathComponent("traffic/dual-before.yaml").path
    static let after = Fixtures.root.appendingPathComponent("traffic/dual-after.yaml").path
    static let targets = [("172.30.50.10", 80), ("192.168.100.1", 30080), ("fd00:30::50:10", 80), (Topology.nodeIPv6, 30080)]

    /// Three pods with an address of each family, their servers answering.
    static func topology() throws -> Topology {
        let topology = try Topology(pods: ["pod1": "10.244.1.11", "pod2": "10.244.1.12", "pod3": "10.244.1.13"],
                                    ipv6: ["pod1": "fd00:10:244:1::11", "pod2": "fd00:10:244:1::12", "pod3": "fd00:10:244:1::13"])
        do { try topology.waitForServers() } catch { topology.stop(); throw error }
        return topology
    }

    /// The node's flags: node IPs and cluster CIDRs of both families, no --ip-family.
    static func flags() throws -> NodeFlags {
        try NodeFlags(["--hostname-override", "node-a", "--node-ip", "192.168.100.1", "--node-ip", Topology.nodeIPv6,
                       "--cluster-cidr", "10.244.0.0/16", "--cluster-cidr", "fd00:10:244::/48"])
    }

    @Test func clusterIPAndNodePortOfBothFamiliesFollowAnEndpointUpdate() throws {
        let topology = try Self.topology()
        defer { topology.stop() }
        let flags = try Self.flags()

        let first = try Kpx.reconcile(topology.node, [Self.before], flags)
        #expect(first.status == 0 && first.stdout.contains("ipv4: +") && first.stdout.contains("ipv6: +"), "\(first.stdout)\(first.stderr)")
        try expectAnswers(topology, from: ["pod1", "pod2"], phase: 0)

        let update = try Kpx.reconcile(topology.node, [Self.after], flags)
        #expect(update.status == 0 && update.stdout.contains("ipv4: +") && update.stdout.contains("ipv6: +"), "\(update.stdout)\(update.stderr)")
        try expectAnswers(topology, from: ["pod2", "pod3"], phase: 1)
    }

    /// UDP clients keeping their source ports stop reaching a removed endpoint in either family:
    /// after the commit, the conntrack entries of UDP flows to endpoints the rules no longer use
    /// are deleted in both families (without it, such flows kept going to pod1 until they timed out).
    @Test func udpFlowsToARemovedEndpointAreClearedInBothFamilies() throws {
        let topology = try Self.topology()
        defer { topology.stop() }
        let flags = try Self.flags()
        #expect(try Kpx.reconcile(topology.node, [Self.before], flags).status == 0)
        // Fixed source ports: 12 flows to each family's ClusterIP and NodePort.
        let hosts = [("172.30.50.10", 53), ("192.168.100.1", 30053), ("fd00:30::50:10", 53), (Topology.nodeIPv6, 30053)]
        let flows = hosts.enumerated().flatMap { index, target in (0..<12).map { (46000 + index * 100 + $0, target.0, target.1) } }
        func probeAll() throws -> [String] { try flows.flatMap { try topology.probe("udp", $0.1, $0.2, count: 1, basePort: $0.0) } }
        let before = try probeAll()
        #expect(!before.contains("-") && before.contains("pod1"), "\(before)")
        let update = try Kpx.reconcile(topology.node, [Self.after], flags)
        #expect(update.status == 0 && update.stdout.contains("(10.244.1.11:5353)") && update.stdout.contains("([fd00:10:244:1::11]:5353)"),
                "\(update.stdout)\(update.stderr)")
        let after = try probeAll()
        #expect(!after.contains("-") && !after.contains("pod1"), "same-port UDP flows still reach the removed endpoint: \(after)")
    }

    /// Every target answers every probe, and the set of answering pods is exactly `pods`.
    func expectAnswers(_ topology: Topology, from pods: Set<String>, phase: Int,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (index, (host, port)) in Self.targets.enumerated() {
            let answers = try topology.probe("tcp", host, port, count: 24, basePort: 41000 + phase * 1000 + index * 100)
            #expect(!answers.contains("-"), "\(host):\(port): unanswered probes: \(answers)", sourceLocation: sourceLocation)
            #expect(Set(answers).subtracting(["-"]) == pods, "\(host):\(port) answered by \(answers)", sourceLocation: sourceLocation)
        }
    }
}
