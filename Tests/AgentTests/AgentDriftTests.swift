import APIServerSupport
@testable import Agent
import Foundation
import Reconciler
import ReconcilerTesting
import Testing

/// Someone else writes to the namespace's tables (iptables run inside it): our rules are
/// repaired within a second; foreign tables and chains are never written to.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct AgentDriftTests {
    static let services = [K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 80)]),
                           K.service("ns2", "svc2", clusterIP: "172.30.0.42", ports: [K.port("p80", 80, nodePort: 30002)], type: "NodePort"),
                           // No endpoints: a REJECT rule in filter KUBE-SERVICES.
                           K.service("ns3", "svc3", clusterIP: "172.30.0.43", ports: [K.port("p80", 80)])]
    static let slices = [K.slice("ns1", "svc1", ips: ["10.180.0.1", "10.180.0.2"]), K.slice("ns2", "svc2", ips: ["10.180.2.1"])]
    static var desired: Ruleset { K.desired(services, slices) }

    /// An agent with a long sync period, so only the event path can repair within the test.
    func started() async throws -> AgentHarness {
        let h = try await AgentHarness(syncPeriod: .seconds(600)) { api in
            Self.services.forEach(api.upsert)
            Self.slices.forEach(api.upsert)
        }
        #expect(await h.converges(to: Self.desired))
        try await Task.sleep(for: .milliseconds(300))  // let our own notifications drain
        #expect(h.agent.stats.driftEvents == 0, "our own commits are not drift")
        return h
    }

    @Test(.timeLimit(.minutes(1)))
    func deletedRuleIsRepairedWithoutWaitingForThePeriodicSync() async throws {
        let h = try await started()
        let before = h.agent.stats
        let sep = try h.save("nat").split(separator: "\n").first { $0.hasPrefix("-A KUBE-SEP-") && $0.contains("DNAT") }
        let chain = String(try #require(sep).split(separator: " ")[1])
        let started = ContinuousClock.now
        try h.ns.exec(["iptables", "-t", "nat", "-D", chain, "2"])  // its DNAT rule
        #expect(await h.converges(to: Self.desired, within: .seconds(10)), "not repaired before the periodic sync (30 s)")
        let took = ContinuousClock.now - started
        #expect(await eventually(timeout: .seconds(5)) { h.agent.stats.driftRepairs > before.driftRepairs }, "repair reported (took \(took))")
        #expect(h.agent.metrics.render().contains("kpx_reconcile_drift_repairs_total 1"))
        // Only the changed chains were re-read.
        #expect(h.agent.stats.tableRereads == before.tableRereads, "a whole-table re-read for one deleted rule")
        #expect(h.agent.stats.chainRereads > before.chainRereads)
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func flushedKubeServicesIsRepairedWithoutWaitingForThePeriodicSync() async throws {
        let h = try await started()
        let before = h.agent.stats
        try h.ns.exec(["iptables", "-t", "nat", "-F", "KUBE-SERVICES"])
        #expect(await h.converges(to: Self.desired, within: .seconds(10)), "not repaired before the periodic sync (30 s)")
        #expect(await eventually(timeout: .seconds(5)) { h.agent.stats.driftRepairs >= 1 })
        try h.ns.exec(["iptables", "-t", "filter", "-F", "KUBE-SERVICES"])
        #expect(await h.converges(to: Self.desired, within: .seconds(10)), "not repaired before the periodic sync (30 s)")
        #expect(await eventually(timeout: .seconds(5)) { h.agent.stats.driftRepairs >= 2 })
        #expect(h.agent.stats.tableRereads == before.tableRereads && h.agent.stats.chainRereads >= before.chainRereads + 2)
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func foreignTablesAndChainsCauseNoWritesToOurs() async throws {
        let h = try await started()
        let commits = h.agent.stats.commits
        let tableRereads = h.agent.stats.tableRereads
        let natBefore = try h.save("nat")
        // A foreign table, a foreign chain in a table we own rules in, a foreign rule in a built-in chain.
        try h.ns.exec(["nft", "add", "table", "inet", "cni"])
        try h.ns.exec(["nft", "add", "chain", "inet", "cni", "input", "{ type filter hook input priority 0; }"])
        try h.ns.exec(["nft", "add", "rule", "inet", "cni", "input", "tcp", "dport", "22", "accept"])
        try h.ns.exec(["iptables", "-t", "nat", "-N", "CNI-HOSTPORT"])
        try h.ns.exec(["iptables", "-t", "nat", "-A", "CNI-HOSTPORT", "-p", "tcp", "--dport", "8080", "-j", "RETURN"])
        try h.ns.exec(["iptables", "-t", "filter", "-A", "INPUT", "-s", "192.0.2.1/32", "-j", "DROP"])
        try h.ns.exec(["iptables", "-t", "nat", "-F", "CNI-HOSTPORT"])
        try await Task.sleep(for: .milliseconds(800))
        #expect(h.agent.stats.commits == commits, "foreign changes caused writes")
        #expect(h.agent.stats.tableRereads == tableRereads, "foreign changes are followed chain by chain")
        #expect(h.agent.stats.driftEvents >= 1, "changes in nat/filter are noticed")
        #expect(h.live(equals: Self.desired))
        let natAfter = try h.save("nat")
        #expect(natAfter.contains(":CNI-HOSTPORT"))
        #expect(natBefore.split(separator: "\n").filter { $0.hasPrefix("-A KUBE") } == natAfter.split(separator: "\n").filter { $0.hasPrefix("-A KUBE") })
        #expect(try h.save("filter").contains("-A INPUT -s 192.0.2.1/32 -j DROP"))
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func periodicSyncRepairsDriftWithoutEvents() async throws {
        let h = try await AgentHarness(syncPeriod: .milliseconds(700)) { api in
            Self.services.forEach(api.upsert)
            Self.slices.forEach(api.upsert)
        }
        #expect(await h.converges(to: Self.desired))
        let reads = h.agent.stats.fullReads
        try await Task.sleep(for: .milliseconds(1600))
        #expect(h.agent.stats.fullReads >= reads + 1, "the sync period re-reads and verifies")
        #expect(h.agent.stats.tableRereads >= 2, "the periodic verification reads whole tables")
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func kernelRejectionLeavesPreviousRulesAndIsRetried() async throws {
        var slices = Self.slices
        let h = try await AgentHarness(poisonable: true) { api in
            Self.services.forEach(api.upsert)
            slices.forEach(api.upsert)
        }
        #expect(await h.converges(to: Self.desired))
        let natBefore = try h.save("nat")
        h.poisoned?.poison(2)
        slices[0] = K.slice("ns1", "svc1", ips: ["10.180.0.1", "10.180.0.7"])
        h.api.upsert(slices[0])
        #expect(await eventually(timeout: .seconds(5)) { (h.poisoned?.rejected ?? 0) >= 1 })
        // The refused transaction changed nothing.
        #expect(try h.save("nat").split(separator: "\n").filter { $0.hasPrefix("-A") } == natBefore.split(separator: "\n").filter { $0.hasPrefix("-A") })
        // Retried until the kernel accepts.
        #expect(await h.converges(to: K.desired(Self.services, slices), within: .seconds(5)))
        #expect(h.poisoned?.rejected == 2)
        // A refused change-scoped plan is retried at once as a full plan inside the same sync, so
        // the two refusals are one or two failed syncs.
        let failures = h.agent.stats.failures
        #expect(failures == 1 || failures == 2)
        #expect(h.agent.metrics.render().contains("kubeproxy_sync_proxy_rules_iptables_restore_failures_total{ip_family=\"IPv4\"} \(failures)"))
        await h.stop()
    }
}

/// The IPv6 agent: ip6 tables, drift notifications of family ip6, repaired likewise.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct AgentIPv6Tests {
    @Test(.timeLimit(.minutes(1)))
    func ipv6RulesAndDriftRepair() async throws {
        let settings = ProxySettings(nodeName: "test-node", ipFamily: .ipv6, nodeIPs: [IPAddress("2001:db8::2")!],
                                     localDetector: .cidr(CIDR("fd00:10::/64")!))
        let svc = Service(metadata: ObjectMeta(name: "v6", namespace: "ns1"),
                          spec: Service.Spec(clusterIP: "fd00:172:30::41", clusterIPs: ["fd00:172:30::41"], ports: [K.port("p80", 80)]))
        let slice = EndpointSlice(metadata: ObjectMeta(name: "v6-1", namespace: "ns1", labels: [EndpointSlice.serviceNameLabel: "v6"]),
                                  addressType: "IPv6", endpoints: [EndpointSlice.Endpoint(addresses: ["fd00:10::1"])],
                                  ports: [EndpointSlice.Port(name: "p80", protocol: "TCP", port: 8080)])
        let h = try await AgentHarness(syncPeriod: .seconds(600), settings: settings) { api in api.upsert(svc); api.upsert(slice) }
        let desired = K.desired([svc], [slice], settings: settings)
        #expect(desired.family == .ipv6)
        #expect(await h.converges(to: desired))
        #expect(try h.ns.exec(["ip6tables-save", "-t", "nat"]).contains("fd00:172:30::41/128"))
        // An IPv4 change is not ours; an ip6 flush is repaired.
        try h.ns.exec(["iptables", "-t", "nat", "-N", "V4-ONLY"])
        try h.ns.exec(["ip6tables", "-t", "nat", "-F", "KUBE-SERVICES"])
        #expect(await h.converges(to: desired, within: .seconds(10)), "not repaired before the periodic sync")
        #expect(await eventually(timeout: .seconds(5)) { h.agent.stats.driftRepairs == 1 && h.agent.stats.driftEvents == 1 })
        await h.stop()
    }
}

/// A cold apply above `PatchingBackend.unobservedCommitThreshold` operations runs with the event
/// socket out of the notification group; it joins again, so drift is still repaired at once.
@Suite(.serialized) struct UnobservedLargeCommitTests {
    @Test(.timeLimit(.minutes(2)))
    func eventsAreFollowedAgainAfterALargeColdApply() async throws {
        let cluster = ClusterGenerator(seed: 7).cluster(services: 1000)
        let settings = K.generatedSettings
        let desired = DesiredState.compute(cluster.state, settings: settings)
        #expect((desired[table: .nat]?.chains.reduce(0) { $0 + $1.rules.count + 1 } ?? 0) > PatchingBackend.unobservedCommitThreshold)
        let h = try await AgentHarness.serving(cluster)
        #expect(await h.converges(to: desired, within: .seconds(30)))
        // The verification that follows the unobserved commit has run (a full read).
        #expect(await eventually(timeout: .seconds(10)) { h.agent.stats.tableRereads >= 1 })
        let repairs = h.agent.stats.driftRepairs
        try h.ns.exec(["iptables", "-t", "nat", "-F", "KUBE-SERVICES"])
        #expect(await h.converges(to: desired, within: .seconds(10)), "not repaired: events not followed after the large commit")
        #expect(await eventually(timeout: .seconds(5)) { h.agent.stats.driftRepairs > repairs })
        await h.stop()
    }
}
