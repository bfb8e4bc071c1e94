import APIServerSupport
@testable import Agent
import Foundation
import Reconciler
import Testing

/// Issue 14: one agent on a dual-stack node follows Services and EndpointSlices of both families
/// from one watch and programs both families' tables, each change in one transaction; drift in
/// the IPv6 tables is repaired as in the IPv4 ones; metrics carry kube-proxy's `ip_family` label.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct AgentDualStackTests {
    static let nodeIPs = [IPAddress("192.168.0.2")!, IPAddress("2001:db8::2")!]
    static var v4: ProxySettings {
        ProxySettings(nodeName: "test-node", ipFamily: .ipv4, nodeIPs: nodeIPs, localDetector: .cidr(CIDR("10.0.0.0/8")!))
    }
    static var v6: ProxySettings {
        ProxySettings(nodeName: "test-node", ipFamily: .ipv6, nodeIPs: nodeIPs, localDetector: .cidr(CIDR("fd00:10::/64")!))
    }

    static var dual: Service {
        var svc = K.service("ns1", "web", clusterIP: "172.30.0.41", ports: [K.port("p80", 80, nodePort: 30041)], type: "NodePort")
        svc.spec.clusterIPs = ["172.30.0.41", "fd00:30::41"]
        svc.spec.ipFamilies = ["IPv4", "IPv6"]
        return svc
    }
    static var only6: Service {
        var svc = K.service("ns1", "grpc", clusterIP: "fd00:30::42", ports: [K.port("p80", 9000)])
        svc.spec.ipFamilies = ["IPv6"]
        return svc
    }

    static func slice6(_ svc: String, _ name: String, ips: [String]) -> EndpointSlice {
        var slice = K.slice("ns1", svc, name, ips: ips)
        slice.addressType = "IPv6"
        return slice
    }

    static func desired(_ services: [Service], _ slices: [EndpointSlice]) -> [Ruleset] {
        [K.desired(services, slices, settings: v4), K.desired(services, slices, settings: v6)]
    }

    func converges(_ h: AgentHarness, _ services: [Service], _ slices: [EndpointSlice]) async -> Bool {
        let want = Self.desired(services, slices)
        return await eventually(timeout: .seconds(10)) { want.allSatisfy(h.live(equals:)) }
    }

    @Test(.timeLimit(.minutes(1)))
    func followsSlicesOfBothFamiliesAndRepairsIPv6Drift() async throws {
        var services = [Self.dual, Self.only6]
        var slices = [K.slice("ns1", "web", "web-v4", ips: ["10.180.0.1", "10.180.0.2"]),
                      Self.slice6("web", "web-v6", ips: ["fd00:10::1", "fd00:10::2"]),
                      Self.slice6("grpc", "grpc-v6", ips: ["fd00:10::9"])]
        let h = try await AgentHarness(syncPeriod: .seconds(600), families: [Self.v4, Self.v6]) { api in
            services.forEach(api.upsert)
            slices.forEach(api.upsert)
        }
        #expect(await converges(h, services, slices), "initial: \(Self.desired(services, slices).map(h.difference(to:)))")
        #expect(h.agent.stats.commits == 1, "both families in the first transaction")
        #expect(try h.save("nat", family: .ipv6).contains("-d fd00:30::41/128"))
        #expect(try h.save("nat").contains("-d 172.30.0.41/32"))

        // An endpoint change in each family, one after the other.
        slices[1] = Self.slice6("web", "web-v6", ips: ["fd00:10::2", "fd00:10::3"])
        h.api.upsert(slices[1])
        #expect(await converges(h, services, slices), "after the IPv6 change")
        slices[0] = K.slice("ns1", "web", "web-v4", ips: ["10.180.0.3"])
        h.api.upsert(slices[0])
        #expect(await converges(h, services, slices), "after the IPv4 change")

        // A Service of one family goes; the other family's rules are untouched.
        services.removeLast()
        h.api.deleteService("ns1", "grpc")
        #expect(await converges(h, services, slices), "after deleting the IPv6-only service")

        // Someone deletes our rule from the ip6 nat table: repaired from the notification.
        let repairs = h.agent.stats.driftRepairs
        try h.ns.exec(["ip6tables", "-t", "nat", "-F", "KUBE-SERVICES"])
        #expect(await converges(h, services, slices), "IPv6 drift not repaired")
        #expect(await eventually(timeout: .seconds(5)) { h.agent.stats.driftRepairs > repairs })

        let metrics = h.agent.metrics.render()
        for family in ["IPv4", "IPv6"] {
            #expect(metrics.contains("kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"\(family)\"}"), "\(family)")
            #expect(metrics.contains("kubeproxy_sync_proxy_rules_iptables_total{table=\"nat\",ip_family=\"\(family)\"}"), "\(family)")
            #expect(metrics.contains("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{ip_family=\"\(family)\"}"), "\(family)")
            #expect(metrics.contains("kubeproxy_sync_proxy_rules_no_local_endpoints_total{traffic_policy=\"internal\",ip_family=\"\(family)\"} 0"), "\(family)")
        }
        await h.stop()
    }

    /// A kernel refusal of the IPv6 half refuses the whole transaction: neither family changes,
    /// and the retry (no poison) programs both.
    @Test(.timeLimit(.minutes(1)))
    func aRefusedIPv6HalfLeavesBothFamiliesAsTheyWere() async throws {
        let services = [Self.dual]
        var slices = [K.slice("ns1", "web", "web-v4", ips: ["10.180.0.1"]), Self.slice6("web", "web-v6", ips: ["fd00:10::1"])]
        let h = try await AgentHarness(syncPeriod: .seconds(600), families: [Self.v4, Self.v6], poisonable: true) { api in
            services.forEach(api.upsert)
            slices.forEach(api.upsert)
        }
        #expect(await converges(h, services, slices))
        // iptables-save's first line carries the time: compare the rules only.
        func rules(_ family: IPFamily) throws -> [Substring] { try h.save("nat", family: family).split(separator: "\n").filter { !$0.hasPrefix("#") } }
        let before = (try rules(.ipv4), try rules(.ipv6))
        // Every commit refused until the poison is taken away.
        h.poisoned?.poison(1000)
        slices = [K.slice("ns1", "web", "web-v4", ips: ["10.180.0.2"]), Self.slice6("web", "web-v6", ips: ["fd00:10::2"])]
        slices.forEach(h.api.upsert)
        #expect(await eventually { (h.poisoned?.rejected ?? 0) >= 2 })
        #expect(try rules(.ipv4) == before.0, "a refused transaction changed the IPv4 tables")
        #expect(try rules(.ipv6) == before.1, "a refused transaction changed the IPv6 tables")
        h.poisoned?.poison(0)
        #expect(await converges(h, services, slices), "the retry programs both")
        await h.stop()
    }
}
