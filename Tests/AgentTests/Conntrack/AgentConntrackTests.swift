import APIServerSupport
import Agent
import Foundation
import NetlinkBridge
import Reconciler
import Testing

/// kube-proxy's UDP conntrack cleanup, against real conntrack entries in a fresh namespace.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct AgentConntrackTests {
    /// A UDP entry `client -> dst:dport` answered by `replySrc:replyPort`.
    func insert(_ ns: TestNamespace, client: String, sport: Int, dst: String, dport: Int, replySrc: String, replyPort: Int) throws {
        try ns.exec(["conntrack", "-I", "-p", "udp", "-s", client, "-d", dst, "--sport", "\(sport)", "--dport", "\(dport)",
                     "--reply-src", replySrc, "--reply-dst", client, "--reply-port-src", "\(replyPort)",
                     "--reply-port-dst", "\(sport)", "--timeout", "300"])
    }

    func entries(_ ns: TestNamespace) throws -> [String] {
        try ns.exec(["conntrack", "-L", "-p", "udp"]).split(separator: "\n").map(String.init)
    }

    @Test(.timeLimit(.minutes(1)))
    func staleUDPEntriesAreDeletedWhenEndpointsGoOrTheFirstArrives() async throws {
        let dns = K.service("kube-system", "dns", clusterIP: "172.30.0.10", ports: [K.port("p53", 53, "UDP", nodePort: 30053)], type: "NodePort")
        let empty = K.service("ns1", "later", clusterIP: "172.30.0.20", ports: [K.port("p53", 53, "UDP")])
        var slice = K.slice("kube-system", "dns", ips: ["10.180.0.1", "10.180.0.2"], port: 53, portName: "p53", proto: "UDP")
        let h = try await AgentHarness { api in api.upsert(dns); api.upsert(empty); api.upsert(slice) }
        #expect(await h.converges(to: K.desired([dns, empty], [slice])))
        let ns = h.ns
        try insert(ns, client: "10.0.0.1", sport: 1001, dst: "172.30.0.10", dport: 53, replySrc: "10.180.0.1", replyPort: 53)
        try insert(ns, client: "10.0.0.1", sport: 1002, dst: "172.30.0.10", dport: 53, replySrc: "10.180.0.2", replyPort: 53)
        try insert(ns, client: "10.0.0.2", sport: 1003, dst: "192.168.0.2", dport: 30053, replySrc: "10.180.0.2", replyPort: 53)
        // Black-holed before the service had endpoints: the reply would come from the service IP itself.
        try insert(ns, client: "10.0.0.3", sport: 1004, dst: "172.30.0.20", dport: 53, replySrc: "172.30.0.20", replyPort: 53)
        // Unrelated traffic.
        try insert(ns, client: "10.0.0.4", sport: 1005, dst: "10.99.0.1", dport: 53, replySrc: "10.99.0.1", replyPort: 53)
        #expect(try entries(ns).count == 5)

        // 10.180.0.2 goes away: its entries (cluster IP and node port) are deleted, the others stay.
        slice = K.slice("kube-system", "dns", ips: ["10.180.0.1"], port: 53, portName: "p53", proto: "UDP")
        h.api.upsert(slice)
        #expect(await h.converges(to: K.desired([dns, empty], [slice])))
        #expect(try await eventually(timeout: .seconds(3)) { try entries(ns).count == 3 })
        var left = try entries(ns).joined(separator: "\n")
        #expect(left.contains("sport=1001") && left.contains("sport=1004") && left.contains("sport=1005"))

        // The empty service gains its first endpoint: the black-holed entry goes.
        let first = K.slice("ns1", "later", ips: ["10.180.5.1"], port: 53, portName: "p53", proto: "UDP")
        h.api.upsert(first)
        #expect(await h.converges(to: K.desired([dns, empty], [slice, first])))
        #expect(try await eventually(timeout: .seconds(3)) { try entries(ns).count == 2 })
        left = try entries(ns).joined(separator: "\n")
        #expect(left.contains("sport=1001") && left.contains("sport=1005"))
        #expect(h.agent.metrics.render().contains("kpx_reconcile_conntrack_entries_deleted_total 3"))
        #expect(h.agent.metrics.render().contains("kubeproxy_conntrack_reconciler_deleted_entries_total{ip_family=\"IPv4\"} 3"))
        #expect(h.agent.metrics.render().contains("kubeproxy_conntrack_reconciler_sync_duration_seconds_count"))

        // A change that leaves every UDP service's endpoints as they were does not dump conntrack.
        func cleanups() -> String? {
            h.agent.metrics.render().split(separator: "\n").first { $0.hasPrefix("kubeproxy_conntrack_reconciler_sync_duration_seconds_count") }.map(String.init)
        }
        let before = cleanups()
        let web = K.service("ns1", "web", clusterIP: "172.30.0.30", ports: [K.port("p80", 80)])
        h.api.upsert(web)
        #expect(await h.converges(to: K.desired([dns, empty, web], [slice, first])))
        try await Task.sleep(for: .milliseconds(300))
        #expect(cleanups() == before)
        await h.stop()
    }
}
