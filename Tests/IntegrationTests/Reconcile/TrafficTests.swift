import Foundation
import Testing
@testable import Reconciler

/// Issue 5 "real traffic": a client namespace, the node namespace programmed by kpx-reconcile and
/// three pod namespaces (veth pairs, addresses from the cluster CIDR 10.244.0.0/16) running a
/// small TCP+UDP echo server that answers with its name (Tests/Fixtures/traffic). Connections to
/// the ClusterIP and the NodePort reach exactly the endpoints before and after an incremental
/// update that adds pod3 and removes pod1 (whose server keeps running, so only the rules can
/// keep traffic away from it). Every probe has a timeout and a fixed count; traffic stays inside
/// the namespaces the test creates.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct TrafficTests {
    static let before = Fixtures.root.appendingPathComponent("traffic/echo-before.yaml").path
    static let after = Fixtures.root.appendingPathComponent("traffic/echo-after.yaml").path
    static let clusterIP = "172.30.50.10", nodeIP = "192.168.100.1"

    /// (protocol, destination, port) for each way in: ClusterIP and NodePort, TCP and UDP.
    static let targets = [("tcp", clusterIP, 80), ("udp", clusterIP, 53), ("tcp", nodeIP, 30080), ("udp", nodeIP, 30053)]

    @Test func clusterIPAndNodePortFollowAnEndpointUpdate() throws {
        let topology = try Topology(pods: ["pod1": "10.244.1.11", "pod2": "10.244.1.12", "pod3": "10.244.1.13"])
        defer { topology.stop() }
        let flags = try NodeFlags(["--hostname-override", "node-a", "--node-ip", Self.nodeIP, "--cluster-cidr", "10.244.0.0/16"])
        try topology.waitForServers()

        try Kpx.reconcileJSON(topology.node, [Self.before], flags)
        try Converged.expect(topology.node, equals: try flags.desired([Self.before]), "before")
        try expectAnswers(topology, from: ["pod1", "pod2"], phase: 0)

        let update = try Kpx.reconcileJSON(topology.node, [Self.after], flags)
        // Incremental: per port one new and one stale SEP chain and a few dispatch rules, no rewrite.
        #expect(update.summary.chainsCreated == 2 && update.summary.chainsDeleted == 2, "\(update.summary)")
        #expect(update.operations.count < 20, "\(update.operations.count) operations for a two-endpoint change")
        try Converged.expect(topology.node, equals: try flags.desired([Self.after]), "after")
        try Converged.expectIdle(topology.node, [Self.after], flags, "after")
        try expectAnswers(topology, from: ["pod2", "pod3"], phase: 1)
    }

    /// A UDP client that keeps its source port (one conntrack entry per port) stops reaching a
    /// removed endpoint: after the commit, kpx-reconcile deletes the conntrack entries of UDP
    /// flows to endpoints the rules no longer use, as kube-proxy does (without it, such flows kept
    /// going to pod1 until the entry timed out, 30-120 s).
    @Test func udpFlowsToARemovedEndpointAreCleared() throws {
        let topology = try Topology(pods: ["pod1": "10.244.1.11", "pod2": "10.244.1.12", "pod3": "10.244.1.13"])
        defer { topology.stop() }
        let flags = try NodeFlags(["--hostname-override", "node-a", "--node-ip", Self.nodeIP, "--cluster-cidr", "10.244.0.0/16"])
        try topology.waitForServers()
        try Kpx.reconcileJSON(topology.node, [Self.before], flags)
        // Fixed source ports: 12 to the ClusterIP, 12 to the NodePort.
        let flows = (0..<12).map { (45000 + $0, Self.clusterIP, 53) } + (0..<12).map { (45100 + $0, Self.nodeIP, 30053) }
        func probeAll() throws -> [String] {
            try flows.flatMap { try topology.probe("udp", $0.1, $0.2, count: 1, basePort: $0.0) }
        }
        let before = try probeAll()
        #expect(!before.contains("-") && before.contains("pod1"), "\(before)")
        let update = try Kpx.reconcile(topology.node, [Self.after], flags)
        #expect(update.status == 0 && update.stdout.contains("conntrack entries of UDP flows to endpoints the rules no longer use (10.244.1.11:5353)"),
                "\(update.stdout)\(update.stderr)")
        let after = try probeAll()
        #expect(!after.contains("-") && !after.contains("pod1"), "same-port UDP flows still reach the removed endpoint: \(after)")
        #expect(before.indices.allSatisfy { before[$0] != "pod2" || after[$0] == "pod2" }, "flows to pod2 were kept: \(before) -> \(after)")
    }

    /// Issue 15: the endpoint that answers a real TCP connection is always one `trace --netns`
    /// lists (with the chances adding up to 1), and a traced REJECT is a refused connection.
    @Test func traceAgreesWithRealTraffic() throws {
        let topology = try Topology(pods: ["pod1": "10.244.1.11", "pod2": "10.244.1.12", "pod3": "10.244.1.13"])
        defer { topology.stop() }
        let flags = try NodeFlags(["--hostname-override", "node-a", "--node-ip", Self.nodeIP, "--cluster-cidr", "10.244.0.0/16"])
        try topology.waitForServers()
        let empty = Fixtures.root.appendingPathComponent("traffic/no-endpoints.yaml").path
        try Kpx.reconcileJSON(topology.node, [Self.before, empty], flags)
        let names = Dictionary(uniqueKeysWithValues: topology.pods.map { ($0.ip, $0.name) })
        for (index, (host, port)) in [(Self.clusterIP, 80), (Self.nodeIP, 30080)].enumerated() {
            let trace = try Kpx.run(["trace", "--netns", topology.node.name, "--src", "192.168.100.2", "--dst", host,
                                     "--dport", "\(port)", "--output", "json"])
            let result = try JSONDecoder().decode(TraceResult.self, from: Data(trace.stdout.utf8))
            #expect(result.verdict == .dnat && abs(result.probabilities.values.reduce(0, +) - 1) < 1e-6, "\(trace.stdout)")
            let traced = Set(result.endpoints.compactMap { names[String($0.split(separator: ":")[0])] })
            let answers = try topology.probe("tcp", host, port, count: 24, basePort: 47000 + index * 100)
            #expect(!answers.contains("-") && Set(answers).isSubset(of: traced), "\(host):\(port): answered \(answers), traced \(traced)")
        }
        // A real node routes any destination (a default route); without one the kernel answers
        // "network unreachable" before filter FORWARD can reject (the trace states this assumption).
        // Here it leads back out the client's link, so the node would first send an ICMP redirect,
        // which uses up the client's ICMP rate-limit token and swallows the REJECT's error: no redirects.
        _ = try topology.node.check(["ip", "route", "add", "default", "via", "192.168.100.2"])
        _ = try topology.node.check(["sysctl", "-qw", "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.vc.send_redirects=0"])
        let refused = try Kpx.run(["trace", "--netns", topology.node.name, "--src", "192.168.100.2", "--dst", "172.30.50.20",
                                   "--dport", "80", "--output", "json"])
        #expect(try JSONDecoder().decode(TraceResult.self, from: Data(refused.stdout.utf8)).verdict == .reject, "\(refused.stdout)")
        let connect = try topology.client.run(["python3", "-c",
            "import socket\ntry:\n socket.create_connection(('172.30.50.20', 80), timeout=2); print('connected')\nexcept ConnectionRefusedError: print('refused')\nexcept Exception as e: print(repr(e))"])
        #expect(connect.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "refused", "\(connect.stdout)\(connect.stderr)")
    }

    /// Every target answers every probe, and the set of answering pods is exactly `pods`.
    /// 24 probes per target: missing one of two endpoints by chance has probability 2^-23.
    func expectAnswers(_ topology: Topology, from pods: Set<String>, phase: Int,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (index, (proto, host, port)) in Self.targets.enumerated() {
            let base = 40000 + phase * 1000 + index * 100
            let answers = try topology.probe(proto, host, port, count: 24, basePort: base)
            #expect(!answers.contains("-"), "\(proto) \(host):\(port): unanswered probes: \(answers)", sourceLocation: sourceLocation)
            #expect(Set(answers).subtracting(["-"]) == pods, "\(proto) \(host):\(port) answered by \(answers)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// The namespaces and echo servers of the traffic test. The node has 192.168.100.1/24 towards
/// the client (192.168.100.2, default route via the node) and, Calico-style, 10.244.1.1/32 on a
/// veth per pod with a /32 route to the pod; each pod has its address and a default route via
/// 10.244.1.1. With `ipv6` addresses (dual-stack) the same again in IPv6: 2001:db8:100::1/64 and
/// ::2 on the client link, fd00:10:244:1::1/128 on each pod veth with a /128 route to the pod.
final class Topology {
    let node: NetworkNamespace
    let client: NetworkNamespace
    let pods: [(name: String, ip: String, namespace: NetworkNamespace)]
    /// Pod name -> IPv6 address (empty: IPv4 only).
    let ipv6: [String: String]
    private var servers: [Process] = []
    static let scripts = Fixtures.root.appendingPathComponent("traffic")
    static let nodeIPv6 = "2001:db8:100::1", podGatewayIPv6 = "fd00:10:244:1::1"

    init(pods: [String: String], ipv6: [String: String] = [:]) throws {
        node = try NetworkNamespace(prefix: "kpx-node")
        client = try NetworkNamespace(prefix: "kpx-client")
        self.ipv6 = ipv6
        self.pods = try pods.sorted { $0.key < $1.key }.map { ($0.key, $0.value, try NetworkNamespace(prefix: "kpx-\($0.key)")) }
        try wire()
        if !ipv6.isEmpty { try wireIPv6() }
        for pod in self.pods { try startServer(pod.name, in: pod.namespace) }
    }

    /// The IPv6 half of a dual-stack topology (addresses without duplicate detection, so they
    /// are usable at once).
    private func wireIPv6() throws {
        try node.check(["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"])
        try node.check(["ip", "-6", "addr", "add", "\(Self.nodeIPv6)/64", "dev", "vc", "nodad"])
        try client.check(["ip", "-6", "addr", "add", "2001:db8:100::2/64", "dev", "eth0", "nodad"])
        try client.check(["ip", "-6", "route", "add", "default", "via", Self.nodeIPv6])
        for (index, pod) in pods.enumerated() {
            guard let address = ipv6[pod.name] else { continue }
            let veth = "vp\(index + 1)"
            try node.check(["ip", "-6", "addr", "add", "\(Self.podGatewayIPv6)/128", "dev", veth, "nodad"])
            try node.check(["ip", "-6", "route", "add", "\(address)/128", "dev", veth])
            try pod.namespace.check(["ip", "-6", "addr", "add", "\(address)/64", "dev", "eth0", "nodad"])
            try pod.namespace.check(["ip", "-6", "route", "add", Self.podGatewayIPv6, "dev", "eth0"])
            try pod.namespace.check(["ip", "-6", "route", "replace", "default", "via", Self.podGatewayIPv6, "dev", "eth0"])
        }
    }

    deinit { stop() }

    private func wire() throws {
        for ns in [node, client] + pods.map(\.namespace) { try ns.check(["ip", "link", "set", "lo", "up"]) }
        try node.check(["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        try node.check(["ip", "link", "add", "vc", "type", "veth", "peer", "name", "eth0", "netns", client.name])
        try node.check(["ip", "addr", "add", "192.168.100.1/24", "dev", "vc"])
        try node.check(["ip", "link", "set", "vc", "up"])
        try client.check(["ip", "addr", "add", "192.168.100.2/24", "dev", "eth0"])
        try client.check(["ip", "link", "set", "eth0", "up"])
        try client.check(["ip", "route", "add", "default", "via", "192.168.100.1"])
        for (index, pod) in pods.enumerated() {
            let veth = "vp\(index + 1)"
            try node.check(["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", pod.namespace.name])
            try node.check(["ip", "addr", "add", "10.244.1.1/32", "dev", veth])
            try node.check(["ip", "link", "set", veth, "up"])
            try node.check(["ip", "route", "add", "\(pod.ip)/32", "dev", veth])
            try pod.namespace.check(["ip", "addr", "add", "\(pod.ip)/24", "dev", "eth0"])
            try pod.namespace.check(["ip", "link", "set", "eth0", "up"])
            try pod.namespace.check(["ip", "route", "add", "10.244.1.1", "dev", "eth0"])
            try pod.namespace.check(["ip", "route", "replace", "default", "via", "10.244.1.1", "dev", "eth0"])
        }
    }

    private func startServer(_ name: String, in namespace: NetworkNamespace) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", namespace.name, "python3",
                             Self.scripts.appendingPathComponent("echo_server.py").path, name, "8080", "5353"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        servers.append(process)
    }

    /// Waits (at most ~5 s per pod and address) until each server answers on its pod addresses.
    func waitForServers() throws {
        for (index, pod) in pods.enumerated() {
            for (n, address) in ([pod.ip] + [ipv6[pod.name]].compactMap { $0 }).enumerated() {
                var ready = false
                for attempt in 0..<50 where !ready {
                    let port = 39000 + index * 100 + n * 50 + attempt
                    ready = try probe("tcp", address, 8080, count: 1, basePort: port, timeout: 0.2) == [pod.name]
                    if !ready { usleep(100_000) }
                }
                guard ready else { throw ShellError(command: "echo server \(pod.name) at \(address)", status: -1, stderr: "not answering") }
            }
        }
    }

    /// Runs probe.py in the client namespace; one answer (server name or "-") per request.
    func probe(_ proto: String, _ host: String, _ port: Int, count: Int, basePort: Int, timeout: Double = 1) throws -> [String] {
        let script = Self.scripts.appendingPathComponent("probe.py").path
        let out = try client.check(["timeout", "60", "python3", script, proto, host, "\(port)", "\(count)", "\(basePort)", "\(timeout)"])
        return out.split(separator: "\n").map(String.init)
    }

    /// Stops the echo servers this topology started (by their own process ids). SIGKILL, because
    /// children of the test process inherit a signal mask that blocks SIGTERM.
    func stop() {
        for server in servers where server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        servers = []
    }
}
