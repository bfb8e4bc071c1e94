import Foundation
import TestSupport
import Testing

/// Issue 14: the agent binary on a dual-stack node (`--services-dir`, node IPs of both families,
/// no `--ip-family`) is one process programming both families, following slice changes of either,
/// with kube-proxy's `ip_family` label on its sync metrics.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct DualStackAgentTests {
    @Test func oneAgentFollowsBothFamiliesFromAManifestDirectory() throws {
        let node = try NetworkNamespace(prefix: "kpx-ds-node")
        _ = try node.check(["ip", "link", "set", "lo", "up"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-ds-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func place(_ fixture: String) throws {
            let tmp = dir.appendingPathComponent(".cluster.yaml.tmp")
            try Fixtures.text("traffic/\(fixture)").write(to: tmp, atomically: false, encoding: .utf8)
            guard rename(tmp.path, dir.appendingPathComponent("cluster.yaml").path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        try place("dual-before.yaml")

        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        agent.arguments = ["ip", "netns", "exec", node.name, KpxBinary.path, "agent", "--services-dir", dir.path,
                           "--hostname-override", "node-a", "--node-ip", "192.168.100.1", "--node-ip", "2001:db8:100::1",
                           "--cluster-cidr", "10.244.0.0/16,fd00:10:244::/48", "--iptables-min-sync-period", "0s",
                           "--metrics-bind-address", "127.0.0.1:10249", "--healthz-bind-address", "127.0.0.1:10256"]
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() }

        func programs(_ v4: String, _ v6: String) throws -> Bool {
            try node.save("ipv4", table: "nat").contains("--to-destination \(v4):8080")
                && node.save("ipv6", table: "nat").contains("--to-destination [\(v6)]:8080")
        }
        #expect(try eventually { try programs("10.244.1.11", "fd00:10:244:1::11") }, "both families from the first sync")
        try place("dual-after.yaml")
        #expect(try eventually { try programs("10.244.1.13", "fd00:10:244:1::13") }, "both families follow the change")
        #expect(!(try node.save("ipv6", table: "nat")).contains("fd00:10:244:1::11"), "the removed IPv6 endpoint stays")

        let metrics = try node.check(["python3", Fixtures.root.appendingPathComponent("traffic/http_get.py").path,
                                      "http://127.0.0.1:10249/metrics"])
        for family in ["IPv4", "IPv6"] {
            #expect(metrics.contains("kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\\\"\(family)\\\"}"), "\(family)")
        }
    }

    /// Polls every 50 ms for at most 10 s.
    func eventually(_ condition: () throws -> Bool) throws -> Bool {
        let end = Date().addingTimeInterval(10)
        while Date() < end {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }
}
