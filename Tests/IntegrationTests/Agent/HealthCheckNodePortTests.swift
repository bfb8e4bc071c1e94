import Foundation
import TestSupport
import Testing

/// Issue 11: the agent runs INSIDE a node namespace (as a hostNetwork DaemonSet runs, no
/// --netns) and a second namespace on a veth plays the cloud load balancer, probing the node's
/// health-check node ports and /healthz over real HTTP.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"), .serialized)
struct HealthCheckNodePortTests {
    /// node (10.99.0.1) <-veth-> lb (10.99.0.2), a manifest directory and the agent process.
    final class Node: @unchecked Sendable {
        let node: NetworkNamespace, lb: NetworkNamespace
        let dir: URL, log: URL
        var agent: Process?

        init() throws {
            node = try NetworkNamespace(prefix: "kpx-hc-node")
            lb = try NetworkNamespace(prefix: "kpx-hc-lb")
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-hc-\(getpid())-\(UUID().uuidString.prefix(8))")
            log = dir.appendingPathExtension("log")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for ns in [node, lb] { _ = try ns.check(["ip", "link", "set", "lo", "up"]) }
            _ = try node.check(["ip", "link", "add", "lb0", "type", "veth", "peer", "name", "eth0", "netns", lb.name])
            _ = try node.check(["ip", "addr", "add", "10.99.0.1/24", "dev", "lb0"])
            _ = try node.check(["ip", "link", "set", "lb0", "up"])
            _ = try lb.check(["ip", "addr", "add", "10.99.0.2/24", "dev", "eth0"])
            _ = try lb.check(["ip", "link", "set", "eth0", "up"])
        }

        deinit {
            if let agent, agent.isRunning { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() }
            try? FileManager.default.removeItem(at: dir)
            try? FileManager.default.removeItem(at: log)
        }

        func write(_ name: String, _ yaml: String) throws {
            let tmp = dir.appendingPathComponent(".\(name).tmp")
            try yaml.write(to: tmp, atomically: false, encoding: .utf8)
            // rename(2): the directory source never sees a half-written file.
            guard rename(tmp.path, dir.appendingPathComponent(name).path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }

        func remove(_ name: String) throws { try FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }

        func start(_ extra: [String] = []) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["ip", "netns", "exec", node.name, KpxBinary.path, "agent", "--services-dir", dir.path,
                           "--hostname-override", "node-1", "--node-ip", "10.99.0.1", "--cluster-cidr", "10.0.0.0/8",
                           "--iptables-min-sync-period", "0s", "--healthz-bind-address", "0.0.0.0:10256",
                           "--metrics-bind-address", "127.0.0.1:10249",
                           "--conntrack-tcp-timeout-established", "2h", "--conntrack-tcp-timeout-close-wait", "30m",
                           "--conntrack-udp-timeout", "45s"] + extra
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            p.standardOutput = handle
            p.standardError = handle
            try p.run()
            agent = p
        }

        var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        struct Reply: Decodable { var status: Int; var headers: [String: String]; var body: String }

        /// GET from the load balancer's namespace.
        func get(_ port: Int, _ path: String = "/") throws -> Reply {
            let out = try lb.check(["python3", Fixtures.root.appendingPathComponent("traffic/http_get.py").path,
                                    "http://10.99.0.1:\(port)\(path)"])
            return try JSONDecoder().decode(Reply.self, from: Data(out.utf8))
        }

        /// Polls until `condition` holds (every 50 ms, at most `seconds`); returns the time it took.
        @discardableResult
        func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) throws -> Double? {
            let start = Date()
            while Date().timeIntervalSince(start) < seconds {
                if try condition() { return Date().timeIntervalSince(start) }
                usleep(50_000)
            }
            return nil
        }
    }

    static func service(_ name: String, hc: Int, nodePort: Int) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: \(name), namespace: web}
        spec:
          type: LoadBalancer
          externalTrafficPolicy: Local
          healthCheckNodePort: \(hc)
          clusterIP: 172.30.7.\(hc - 30290)
          ports: [{name: http, port: 80, nodePort: \(nodePort)}]
        status: {loadBalancer: {ingress: [{ip: 203.0.113.\(hc - 30290)}]}}
        """
    }

    static func slice(_ service: String, _ endpoints: [(String, String)]) -> String {
        let eps = endpoints.map { "{addresses: [\"\($0.0)\"], nodeName: \($0.1)}" }.joined(separator: ", ")
        return """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: \(service)-1, namespace: web, labels: {kubernetes.io/service-name: \(service)}}
            addressType: IPv4
            endpoints: [\(eps)]
            ports: [{name: http, port: 8080}]
            """
    }

    @Test func healthCheckPortsFollowServicesAndEndpoints() throws {
        let n = try Node()
        // Someone else holds 30303 before the agent starts.
        let squatter = Process()
        squatter.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        squatter.arguments = ["ip", "netns", "exec", n.node.name, "python3", "-c",
                              "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', 30303)); s.listen(); time.sleep(120)"]
        try squatter.run()
        defer { kill(squatter.processIdentifier, SIGKILL); squatter.waitUntilExit() }
        try #require(try n.eventually { try n.node.check(["ss", "-Hltn", "sport = :30303"]).contains("30303") } != nil)
        try n.write("local.yaml", Self.service("local", hc: 30301, nodePort: 31001) + "\n---\n"
                    + Self.slice("local", [("10.244.0.5", "node-1"), ("10.244.0.6", "node-2")]))
        try n.write("remote.yaml", Self.service("remote", hc: 30302, nodePort: 31002) + "\n---\n" + Self.slice("remote", [("10.244.0.7", "node-2")]))
        try n.write("taken.yaml", Self.service("taken", hc: 30303, nodePort: 31003) + "\n---\n" + Self.slice("taken", [("10.244.0.8", "node-1")]))
        try n.start()

        // A Service with a local endpoint: 200 and kube-proxy's JSON and headers.
        try #require(try n.eventually { try n.get(30301).status == 200 } != nil, "\(n.logText)")
        let ok = try n.get(30301)
        #expect(ok.headers["Content-Type"] == "application/json" && ok.headers["X-Content-Type-Options"] == "nosniff")
        #expect(ok.headers["X-Load-Balancing-Endpoint-Weight"] == "1")
        #expect(ok.body == "{\n\t\"service\": {\n\t\t\"namespace\": \"web\",\n\t\t\"name\": \"local\"\n\t},\n\t\"localEndpoints\": 1,\n\t\"serviceProxyHealthy\": true\n}")
        #expect(try n.get(30301, "/any/path?x=1").status == 200)

        // Only remote endpoints: 503 with localEndpoints 0.
        let remote = try n.get(30302)
        #expect(remote.status == 503 && remote.body.contains("\"localEndpoints\": 0"), "\(remote)")

        // The endpoint moves off the node: the answer flips (directory polled every 500 ms).
        try n.write("local.yaml", Self.service("local", hc: 30301, nodePort: 31001) + "\n---\n"
                    + Self.slice("local", [("10.244.0.5", "node-2"), ("10.244.0.6", "node-2")]))
        let flip = try n.eventually { try n.get(30301).status == 503 }
        #expect(flip != nil && flip! < 1.5, "flipped after \(flip.map { "\($0) s" } ?? "never")")

        // /healthz from the load balancer's side has kube-proxy's fields.
        let healthz = try n.get(10256, "/healthz")
        let json = try JSONSerialization.jsonObject(with: Data(healthz.body.utf8)) as? [String: Any]
        #expect(healthz.status == 200 && json?["nodeEligible"] as? Bool == true && json?["healthy"] as? Bool == true
                && json?["lastUpdated"] is String && json?["currentTime"] is String, "\(healthz)")

        // The port taken by another process is reported, and the agent keeps serving.
        #expect(n.logText.contains("failed to start health check") && n.logText.contains("web/taken") && n.logText.contains("30303"),
                "\(n.logText)")
        #expect(n.agent?.isRunning == true)

        // The Service is deleted: its port closes.
        try n.remove("remote.yaml")
        #expect(try n.eventually { try n.get(30302).status == 0 } != nil, "port 30302 still open")
        #expect(try n.get(30301).status == 503)

        // route_localnet (localhost NodePorts) and the conntrack settings, inside the node namespace.
        #expect(try n.node.check(["cat", "/proc/sys/net/ipv4/conf/all/route_localnet"]).hasPrefix("1"))
        #expect(try n.node.check(["cat", "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established"]).hasPrefix("7200"))
        #expect(try n.node.check(["cat", "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_close_wait"]).hasPrefix("1800"))
        #expect(try n.node.check(["cat", "/proc/sys/net/netfilter/nf_conntrack_udp_timeout"]).hasPrefix("45"))
    }
}
