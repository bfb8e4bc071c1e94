import APIServerSupport
import NIOHTTP1
import Agent
import AsyncHTTPClient
import Foundation
import KubeClient
import NIOCore
import NetlinkBridge
import Reconciler
import Testing

/// /metrics, /healthz and /livez scraped over HTTP on 127.0.0.1, and the manifest-directory source.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct AgentEndpointTests {
    func get(_ url: String) async throws -> (status: Int, body: String, contentType: String?) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers.first(name: "Content-Type"))
    }

    /// A healthz address already in use does not stop the agent: it is logged with the address and
    /// retried until free (kube-proxy's behaviour); with --bind-address-hard-fail it is an error.
    @Test(.timeLimit(.minutes(1)))
    func takenHealthzPortIsRetried() async throws {
        let h = try await AgentHarness { _ in }
        let squatter = try await HTTPEndpoint.start(host: "127.0.0.1", port: 0) { _ in HTTPReply(status: .ok, contentType: "text/plain", body: "") }
        let port = squatter.localPort
        await #expect(throws: AgentError.self) {
            try await AgentEndpoints.start(agent: h.agent, metricsAddress: nil, healthzAddress: "127.0.0.1:\(port)", hardFail: true)
        }
        let endpoints = try await AgentEndpoints.start(agent: h.agent, metricsAddress: nil, healthzAddress: "127.0.0.1:\(port)",
                                                       retryEvery: .milliseconds(100))
        #expect(endpoints.healthz == nil)
        await squatter.stop()
        #expect(await eventually(timeout: .seconds(5)) { endpoints.healthz != nil })
        #expect(try await get("http://127.0.0.1:\(port)/livez").status == 200)
        await endpoints.stop()
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func metricsAndHealthEndpointsShowTheExpectedSeries() async throws {
        let svc = K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 80)])
        var slice = K.slice("ns1", "svc1", ips: ["10.180.0.1"])
        let h = try await AgentHarness(followNode: true) { api in api.upsert(svc); api.upsert(slice) }
        let endpoints = try await AgentEndpoints.start(agent: h.agent, metricsAddress: "127.0.0.1:0", healthzAddress: "127.0.0.1:0")
        #expect(await h.converges(to: K.desired([svc], [slice])))
        // The endpoints controller's trigger time feeds kubeproxy_network_programming_duration_seconds.
        slice = K.slice("ns1", "svc1", ips: ["10.180.0.1", "10.180.0.2"])
        var raw = FakeAPIServer.json(slice)
        var meta = raw["metadata"] as! [String: Any]
        let trigger = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-2))
        meta["annotations"] = ["endpoints.kubernetes.io/last-change-trigger-time": trigger]
        raw["metadata"] = meta
        h.api.upsert(.endpointslices, raw)
        #expect(await h.converges(to: K.desired([svc], [slice])))
        try h.ns.exec(["iptables", "-t", "nat", "-F", "KUBE-SERVICES"])
        #expect(await eventually { h.agent.stats.driftRepairs >= 1 })

        let metricsPort = try #require(endpoints.metrics?.localPort)
        let scrape = try await get("http://127.0.0.1:\(metricsPort)/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.contentType?.hasPrefix("text/plain") == true)
        for series in ["kubeproxy_sync_proxy_rules_duration_seconds_bucket", "kubeproxy_sync_proxy_rules_duration_seconds_count",
                       "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"}",
                       "kubeproxy_sync_proxy_rules_iptables_total{table=\"nat\",ip_family=\"IPv4\"}",
                       "kubeproxy_sync_proxy_rules_iptables_total{table=\"filter\",ip_family=\"IPv4\"}", "kubeproxy_sync_proxy_rules_endpoint_changes_total",
                       "kubeproxy_sync_proxy_rules_service_changes_total", "kubeproxy_network_programming_duration_seconds_bucket",
                       "kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family=\"IPv4\"} 0", "kpx_reconcile_sync_operations_bucket",
                       "kpx_reconcile_drift_repairs_total", "kpx_reconcile_generation_conflicts_total 0",
                       "process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "process_max_fds",
                       "process_start_time_seconds", "kubeproxy_sync_proxy_rules_iptables_last{table=\"nat\",ip_family=\"IPv4\"}",
                       "kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"external\",ip_family=\"IPv4\"} 0",
                       "kubeproxy_iptables_ct_state_invalid_dropped_packets_total", "kubeproxy_iptables_localhost_nodeports_accepted_packets_total",
                       "kubeproxy_proxy_healthz_total"] {
            #expect(scrape.body.contains(series), "missing \(series)")
        }
        let natRules = K.desired([svc], [slice]).tables.first { $0.name == .nat }!.chains.reduce(0) { $0 + $1.rules.count }
        #expect(scrape.body.contains("kubeproxy_sync_proxy_rules_iptables_total{table=\"nat\",ip_family=\"IPv4\"} \(natRules)"))
        // A single-stack node reports no IPv6 series.
        #expect(!scrape.body.contains("ip_family=\"IPv6\""))
        #expect(!scrape.body.contains("kpx_reconcile_drift_repairs_total 0"))
        #expect(scrape.body.contains("kubeproxy_network_programming_duration_seconds_count{ip_family=\"IPv4\"} 1"))
        let sum = scrape.body.split(separator: "\n").first { $0.hasPrefix("kubeproxy_network_programming_duration_seconds_sum{ip_family=\"IPv4\"} ") }
        #expect(sum.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 >= 1.5 && $0 < 30 } == true, "\(sum ?? "no sum")")
        #expect(try await get("http://127.0.0.1:\(metricsPort)/proxyMode").body == "iptables")

        let healthPort = try #require(endpoints.healthz?.localPort)
        for path in ["/healthz", "/livez"] {
            let health = try await get("http://127.0.0.1:\(healthPort)\(path)")
            #expect(health.status == 200, "\(path)")
            #expect(health.contentType == "application/json")
            let json = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
            #expect(json?["lastUpdated"] is String && json?["currentTime"] is String, "\(health.body)")
        }
        #expect(try await get("http://127.0.0.1:\(healthPort)/nothing").status == 404)
        // A node being deleted: /healthz fails so load balancers drain it; /livez stays up.
        h.api.nodeDeleting = true
        #expect(await eventually { !h.agent.health.nodeEligible })
        let draining = try await get("http://127.0.0.1:\(healthPort)/healthz")
        #expect(draining.status == 503 && draining.body.contains("\"nodeEligible\":false"))
        #expect(try await get("http://127.0.0.1:\(healthPort)/livez").status == 200)
        await endpoints.stop()
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func servicesDirectorySourceFollowsItsFiles() async throws {
        let ns = try TestNamespace()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-agent-dir-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let svc = K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 80)])
        var slice = K.slice("ns1", "svc1", ips: ["10.180.0.1"])
        func write(_ name: String, _ value: some Encodable) throws {
            try JSONEncoder().encode(value).write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
        }
        try write("svc.json", svc)
        try write("slice.json", slice)
        let config = AgentConfiguration(settings: K.settings, netns: ns.name, minSyncPeriod: .milliseconds(100))
        let source = DirectorySource(directory: dir, pollInterval: .milliseconds(100), logger: AgentHarness.logger)
        let agent = try ProxyAgent(configuration: config, sources: [source], logger: AgentHarness.logger)
        let run = Task { await agent.run() }
        defer { agent.shutdown() }
        func live(_ desired: Ruleset) -> Bool {
            guard let backend = try? NetlinkBackend(netns: ns.name) else { return false }
            return (try? ReconcileEngine(backend: backend, family: .ipv4).verify(desired)) != nil
        }
        #expect(await eventually { live(K.desired([svc], [slice])) })
        slice = K.slice("ns1", "svc1", ips: ["10.180.0.1", "10.180.0.5"])
        try write("slice.json", slice)
        #expect(await eventually { live(K.desired([svc], [slice])) })
        // A broken file keeps the previous state.
        try Data("kind: [".utf8).write(to: URL(fileURLWithPath: "\(dir)/broken.yaml"))
        try await Task.sleep(for: .milliseconds(400))
        #expect(live(K.desired([svc], [slice])))
        try FileManager.default.removeItem(atPath: "\(dir)/broken.yaml")
        try FileManager.default.removeItem(atPath: "\(dir)/slice.json")
        #expect(await eventually { live(K.desired([svc], [])) })
        agent.shutdown()
        await run.value
    }
}

/// The command's runner: kubeconfig -> API sources (services, slices, node) -> agent + endpoints,
/// stopped by a real SIGTERM between transactions with the rules left in place.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct AgentRunnerTests {
    @Test(.timeLimit(.minutes(1)))
    func kubeconfigToRulesAndSIGTERMStopsWithRulesInPlace() async throws {
        let ns = try TestNamespace()
        let api = FakeAPIServer()
        api.requiredToken = "t0ken"
        let svc = K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 80)])
        let slice = K.slice("ns1", "svc1", ips: ["10.180.0.1"])
        api.upsert(svc)
        api.upsert(slice)
        try await api.start()
        let kubeconfig = "\(FileManager.default.temporaryDirectory.path)/kpx-runner-\(getpid())"
        try Data("""
            apiVersion: v1
            kind: Config
            current-context: c
            clusters: [{name: k, cluster: {server: "\(api.url)"}}]
            users: [{name: u, user: {token: t0ken}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """.utf8).write(to: URL(fileURLWithPath: kubeconfig))
        defer { try? FileManager.default.removeItem(atPath: kubeconfig) }

        let up = Box<(ProxyAgent, AgentEndpoints)>()
        var runner = AgentRunner(configuration: AgentConfiguration(settings: K.settings, netns: ns.name), kubeconfig: kubeconfig,
                                 master: nil, servicesDir: nil, metricsAddress: "127.0.0.1:0", healthzAddress: "127.0.0.1:0",
                                 pinnedZone: false, logger: AgentHarness.logger)
        runner.started = { up.set(($0, $1)) }
        let run = Task { try await runner.run() }
        #expect(await eventually { up.get() != nil })
        let (agent, endpoints) = try #require(up.get())
        let desired = K.desired([svc], [slice])
        func live() -> Bool {
            guard let backend = try? NetlinkBackend(netns: ns.name) else { return false }
            return (try? ReconcileEngine(backend: backend, family: .ipv4).verify(desired)) != nil
        }
        #expect(await eventually { live() })
        #expect(await eventually { api.count("list endpointslices") >= 1 && api.authorizations.allSatisfy { $0 == "Bearer t0ken" } })
        #expect(endpoints.metrics?.localPort ?? 0 > 0 && endpoints.healthz?.localPort ?? 0 > 0)
        kill(getpid(), SIGTERM)
        try await run.value
        #expect(live(), "rules stay in place after SIGTERM")
        #expect(agent.stats.failures == 0)
        await api.stop()
    }
}

/// A value set once from another task.
final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ v: T) { lock.withLock { value = v } }
    func get() -> T? { lock.withLock { value } }
}
