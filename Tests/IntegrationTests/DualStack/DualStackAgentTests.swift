import Foundation
import TestSupport
import Testing

/// Issue 14: the agent binary on a dual-stack node (`--services-dir`, node IPs of both families,
/// no `--ip-family`) is one process programming both families, following slice changes of either,
/// with kube-proxy's `ip_family` label on its sync metrics, and answering a health-check node
/// port over both families.
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
        try Self.loadBalancer.write(to: dir.appendingPathComponent("lb.yaml"), atomically: true, encoding: .utf8)

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

        // The load balancer's health check answers on both families (one dual-stack listener).
        for url in ["http://127.0.0.1:32100/", "http://[::1]:32100/"] {
            #expect(try eventually { try Self.get(node, url).contains("\"status\": 200") }, "\(url)")
        }
        let metrics = try Self.get(node, "http://127.0.0.1:10249/metrics")
        for family in ["IPv4", "IPv6"] {
            #expect(metrics.contains("kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\\\"\(family)\\\"}"), "\(family)")
        }
    }

    /// A dual-stack `externalTrafficPolicy: Local` load balancer with a local endpoint in each family.
    static let loadBalancer = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Service
          metadata: {name: lb, namespace: web}
          spec:
            type: LoadBalancer
            ipFamilies: [IPv4, IPv6]
            clusterIP: 172.30.50.20
            clusterIPs: [172.30.50.20, "fd00:30::50:20"]
            externalTrafficPolicy: Local
            healthCheckNodePort: 32100
            ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP, nodePort: 30100}]
        - apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata: {name: lb-v4, namespace: web, labels: {kubernetes.io/service-name: lb}}
          addressType: IPv4
          endpoints: [{addresses: [10.244.1.21], nodeName: node-a}]
          ports: [{name: http, port: 8080, protocol: TCP}]
        - apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata: {name: lb-v6, namespace: web, labels: {kubernetes.io/service-name: lb}}
          addressType: IPv6
          endpoints: [{addresses: ["fd00:10:244:1::21"], nodeName: node-a}]
          ports: [{name: http, port: 8080, protocol: TCP}]

        """

    /// GET `url` from inside `node` (status, headers and body as JSON).
    static func get(_ node: NetworkNamespace, _ url: String) throws -> String {
        try node.check(["python3", Fixtures.root.appendingPathComponent("traffic/http_get.py").path, url])
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
