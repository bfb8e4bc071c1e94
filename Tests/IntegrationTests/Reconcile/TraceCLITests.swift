import Foundation
import Testing
import TestSupport
@testable import Reconciler

/// `trace` (desired mode, golden text, JSON contract, live = desired) and `diff` (output and exit
/// codes), through the built binary (issue 15).
@Suite struct TraceCLITests {
    static let cluster = Repo.path("examples/cluster.yaml")
    static let flags = ["--hostname-override", "test-node", "--node-ip", "192.168.0.2", "--cluster-cidr", "10.0.0.0/8"]

    @Test(arguments: [("cluster-ip.txt", ["--src", "10.0.0.2", "--dst", "172.30.0.41", "--dport", "80"]),
                      ("external-nodeport.txt", ["--src", "203.0.113.9", "--dst", "192.168.0.2", "--dport", "3001"])])
    func textOutputIsGolden(file: String, packet: [String]) throws {
        let result = try Kpx.run(["trace", "--services", Self.cluster] + Self.flags + packet)
        #expect(result.status == 0, "\(result.stderr)")
        let path = Fixtures.root.appendingPathComponent("trace/\(file)")
        if ProcessInfo.processInfo.environment["KPX_UPDATE_GOLDEN"] == "1" {
            try result.stdout.write(to: path, atomically: true, encoding: .utf8)
        }
        #expect(result.stdout == (try String(contentsOf: path, encoding: .utf8)))
    }

    /// The JSON contract: verdict, endpoints, probabilities, masquerade, path, assumptions.
    @Test func jsonContract() throws {
        let result = try Kpx.run(["trace", "--services", Self.cluster] + Self.flags
                                 + ["--src", "10.0.0.2", "--dst", "172.30.0.41", "--dport", "80", "--output", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["verdict"] as? String == "DNAT")
        #expect(json["endpoints"] as? [String] == ["10.180.0.1:80"])
        #expect((json["probabilities"] as? [String: Double])?["10.180.0.1:80"] == 1)
        #expect(json["masquerade"] as? Bool == false)
        let path = try #require(json["path"] as? [[String: Any]])
        #expect(path.allSatisfy { $0["table"] is String && $0["chain"] is String && $0["rule"] is String && $0["matched"] is Bool && $0["why"] is String })
        #expect(json["assumptions"] is [String])
        let none = try Kpx.run(["trace", "--services", Self.cluster] + Self.flags
                               + ["--src", "10.0.0.2", "--dst", "8.8.8.8", "--dport", "53", "--proto", "udp", "--output", "json"])
        #expect(none.stdout.contains("\"verdict\" : \"NONE\""), "\(none.stdout)")
    }

    @Test func diffExitCodesAndOutput() throws {
        let same = try Kpx.run(["diff", "--from", Self.cluster, "--to", Self.cluster] + Self.flags)
        #expect(same.status == 0, "\(same.stderr)")
        let changed = try Kpx.run(["diff", "--from", Self.cluster, "--to", Repo.path("examples/cluster-endpoint-replaced.yaml")]
                                  + Self.flags + ["--color", "never"])
        #expect(changed.status == 2, "\(changed.stderr)")
        #expect(changed.stdout.contains("+-A KUBE-SEP-") || changed.stdout.contains("+ -A KUBE-SEP-") || changed.stdout.contains("KUBE-SEP-"),
                "\(changed.stdout)")
        let json = try Kpx.run(["diff", "--from", Self.cluster, "--to", Repo.path("examples/cluster-endpoint-replaced.yaml"),
                                "--output", "json"] + Self.flags)
        let plan = try JSONDecoder().decode(PlanDocument.self, from: Data(json.stdout.utf8))
        #expect(json.status == 2 && plan.changes && !plan.operations.isEmpty)
        // Per-Service summary (issue 18): the operations name their Service; slashes unescaped.
        #expect(json.stdout.contains("\"service\" : \"ns1/svc1\"") && !json.stdout.contains("\\/"), "\(json.stdout)")
        #expect(plan.services?.map(\.service) == ["ns1/svc1"])
        let stat = try Kpx.run(["diff", "--from", Self.cluster, "--to", Repo.path("examples/cluster-endpoint-replaced.yaml"), "--stat"] + Self.flags)
        #expect(stat.stdout == "ns1/svc1: +2 -2 rules ~1, chains +1/-1 (endpoint 10.180.0.1:80 → 10.180.0.11:80)\n+2 rules, -2 rules, ~1 replaced, chains +1/-1\n",
                "\(stat.stdout)")
        #expect(changed.stdout.hasPrefix("ns1/svc1: +2 -2 rules"), "\(changed.stdout)")
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-diff-\(getpid()).yaml")
        try "kind: [".write(to: broken, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: broken) }
        let bad = try Kpx.run(["diff", "--from", Self.cluster, "--to", broken.path] + Self.flags)
        #expect(bad.status == 1 && bad.stderr.contains(broken.path), "\(bad.stderr)")
    }

    /// Live mode (netlink) agrees with desired mode after an apply, for every flow of kube-proxy's
    /// flow cases.
    @Test(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"),
          arguments: ["flow-02-cluster-ip-general", "flow-03-load-balancer-source-ranges", "flow-04-etp-local"])
    func liveAgreesWithDesired(caseDir: String) throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.fakeProxier()
        let input = Fixtures.root.appendingPathComponent("kube-proxy-cases/\(caseDir)/input.yaml").path
        try Kpx.reconcileJSON(namespace, [input], flags)
        // The node's addresses, as the flags give them to desired mode.
        // (A veth pair: the dummy driver is not in every kernel.)
        _ = try namespace.check(["ip", "link", "add", "node0", "type", "veth", "peer", "name", "node1"])
        for ip in flags.input.nodeIPs ?? [] { _ = try namespace.check(["ip", "addr", "add", "\(ip)/32", "dev", "node0"]) }
        for link in ["node0", "node1", "lo"] { _ = try namespace.check(["ip", "link", "set", link, "up"]) }
        let flows = try String(contentsOfFile: Fixtures.root.appendingPathComponent("kube-proxy-cases/\(caseDir)/expected.flows.yaml").path,
                               encoding: .utf8)
        for flow in flows.split(separator: "- name:").dropFirst() {
            func field(_ key: String) -> String {
                let line = flow.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") } ?? ""
                return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            }
            let packet = ["--src", field("sourceIP"), "--dst", field("destIP"), "--dport", field("destPort"),
                          "--proto", field("protocol").lowercased(), "--output", "json"]
            let live = try Kpx.run(["trace", "--netns", namespace.name] + packet)
            let desired = try Kpx.run(["trace", "--services", input] + flags.argv + packet)
            #expect(live.status == 0 && desired.status == 0, "\(live.stderr)\(desired.stderr)")
            let l = try JSONDecoder().decode(TraceResult.self, from: Data(live.stdout.utf8))
            let d = try JSONDecoder().decode(TraceResult.self, from: Data(desired.stdout.utf8))
            #expect(l.verdict == d.verdict && Set(l.endpoints) == Set(d.endpoints) && l.masquerade == d.masquerade,
                    "\(caseDir) \(field("sourceIP")) -> \(field("destIP")):\(field("destPort")): live \(l.verdict) \(l.endpoints) vs desired \(d.verdict) \(d.endpoints)")
        }
    }
}
