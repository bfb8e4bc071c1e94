import APIServerSupport
import NIOCore
import ClusterSource
import Agent
import Foundation
import KubeClient
import Reconciler
import Testing

/// The agent against the fake API server, programming a fresh network namespace.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct AgentAPITests {
    @Test(.timeLimit(.minutes(1)))
    func servicesAndEndpointsCreatedChangedDeletedEndInTheRightRules() async throws {
        var services = [K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 80)]),
                        K.service("ns2", "svc2", clusterIP: "172.30.0.42", ports: [K.port("p53", 53, "UDP")])]
        var slices = [K.slice("ns1", "svc1", ips: ["10.180.0.1", "10.180.0.2"])]
        let h = try await AgentHarness { api in
            services.forEach(api.upsert)
            slices.forEach(api.upsert)
        }
        #expect(await h.converges(to: K.desired(services, slices)), "initial: \(h.difference(to: K.desired(services, slices)))")

        // Created: a new service with endpoints.
        services.append(K.service("ns3", "svc3", clusterIP: "172.30.0.43", ports: [K.port("p80", 80, nodePort: 30080)], type: "NodePort"))
        slices.append(K.slice("ns3", "svc3", ips: ["10.180.3.1"]))
        h.api.upsert(services[2])
        h.api.upsert(slices[1])
        #expect(await h.converges(to: K.desired(services, slices)), "create: \(h.difference(to: K.desired(services, slices)))")

        // Changed: an endpoint replaced, a port changed, UDP service gains endpoints.
        slices[0] = K.slice("ns1", "svc1", ips: ["10.180.0.1", "10.180.0.9"])
        services[0] = K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 8080)])
        slices.append(K.slice("ns2", "svc2", ips: ["10.180.2.1"], port: 53, portName: "p53", proto: "UDP"))
        h.api.upsert(slices[0])
        h.api.upsert(services[0])
        h.api.upsert(slices[2])
        #expect(await h.converges(to: K.desired(services, slices)), "change: \(h.difference(to: K.desired(services, slices)))")

        // Deleted: a service and a slice.
        h.api.deleteService("ns3", "svc3")
        h.api.deleteSlice("ns1", "svc1-1")
        services.remove(at: 2)
        slices.remove(at: 0)
        #expect(await h.converges(to: K.desired(services, slices)), "delete: \(h.difference(to: K.desired(services, slices)))")
        let nat = try h.save("nat")
        #expect(!nat.contains("ns3/svc3"))
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func floodOfOneThousandEndpointChangesIsCoalescedIntoFewSyncs() async throws {
        let service = K.service("ns1", "flood", clusterIP: "172.30.1.1", ports: [K.port("p80", 80)])
        let h = try await AgentHarness(minSyncPeriod: .seconds(1)) { api in api.upsert(service) }
        #expect(await h.converges(to: K.desired([service], [])))
        let before = h.agent.stats.syncs
        var last = K.slice("ns1", "flood", ips: ["10.1.0.1"])
        for i in 0..<1000 {
            last = K.slice("ns1", "flood", ips: ["10.1.\(i / 250).\(i % 250 + 1)", "10.2.0.1"])
            h.api.upsert(last)
        }
        #expect(await h.converges(to: K.desired([service], [last]), within: .seconds(15)))
        try await Task.sleep(for: .milliseconds(1200))
        let syncs = h.agent.stats.syncs - before
        #expect(syncs >= 1 && syncs <= 10, "1000 changes took \(syncs) syncs (a slow machine delivers them over several periods)")
        let metrics = h.agent.metrics.render()
        #expect(metrics.contains("kubeproxy_sync_proxy_rules_endpoint_changes_total"))
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)), arguments: [true, false])
    func goneRelistsWithoutLosingChanges(asEvent: Bool) async throws {
        let a = K.service("ns1", "a", clusterIP: "172.30.2.1", ports: [K.port("p80", 80)])
        let b = K.service("ns1", "b", clusterIP: "172.30.2.2", ports: [K.port("p80", 80)])
        let c = K.service("ns1", "c", clusterIP: "172.30.2.3", ports: [K.port("p80", 80)])
        let h = try await AgentHarness { api in api.upsert(a); api.upsert(b); api.goneAsEvent = asEvent }
        #expect(await h.converges(to: K.desired([a, b], [])))
        let lists = h.api.count("list services")
        // While the agent is cut off: b deleted, c created, a gains endpoints; history compacted.
        h.api.dropWatches()
        h.api.deleteService("ns1", "b")
        h.api.upsert(c)
        let sa = K.slice("ns1", "a", ips: ["10.3.0.1"])
        h.api.upsert(sa)
        h.api.compact()
        h.api.dropWatches()
        #expect(await h.converges(to: K.desired([a, c], [sa])), "\(h.difference(to: K.desired([a, c], [sa])))")
        #expect(h.api.count("list services") > lists, "a 410 must relist")
        // The relisted watch keeps working.
        h.api.deleteService("ns1", "c")
        #expect(await h.converges(to: K.desired([a], [sa])))
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func droppedWatchResumesFromItsResourceVersion() async throws {
        let a = K.service("ns1", "a", clusterIP: "172.30.3.1", ports: [K.port("p80", 80)])
        let h = try await AgentHarness { api in api.upsert(a) }
        #expect(await h.converges(to: K.desired([a], [])))
        let lists = h.api.count("list services") + h.api.count("list endpointslices")
        for round in 0..<3 {
            h.api.dropWatches()
            let s = K.slice("ns1", "a", ips: ["10.4.0.\(round + 1)"])
            h.api.upsert(s)
            #expect(await h.converges(to: K.desired([a], [s])), "round \(round)")
        }
        #expect(h.api.count("list services") + h.api.count("list endpointslices") == lists, "a dropped stream re-watches, no relist")
        #expect(h.api.count("watch services") >= 2)
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func bookmarksKeepAQuietWatchCurrentSoItResumesWithoutRelisting() async throws {
        let a = K.service("ns1", "a", clusterIP: "172.30.3.1", ports: [K.port("p80", 80)])
        let h = try await AgentHarness { api in api.upsert(a) }
        #expect(await h.converges(to: K.desired([a], [])))
        // Only Services change: the EndpointSlice watch sees no event, only bookmarks.
        var services = [a]
        for i in 2...20 {
            services.append(K.service("ns1", "s\(i)", clusterIP: "172.30.3.\(i)", ports: [K.port("p80", 80)]))
            h.api.upsert(services.last!)
        }
        #expect(await h.converges(to: K.desired(services, [])))
        try await Task.sleep(for: .milliseconds(600))  // > the fake server's bookmark interval
        let lists = h.api.count("list endpointslices")
        h.api.compact()
        h.api.dropWatches()
        let s = K.slice("ns1", "a", ips: ["10.8.0.1"])
        h.api.upsert(s)
        #expect(await h.converges(to: K.desired(services, [s])))
        #expect(h.api.count("list endpointslices") == lists, "the bookmark's resourceVersion was current: no 410, no relist")
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func invalidObjectsAreLoggedAndSkipped() async throws {
        let good = K.service("ns1", "good", clusterIP: "172.30.4.1", ports: [K.port("p80", 80)])
        let badIP = K.service("ns1", "bad-ip", clusterIP: "300.1.2.3", ports: [K.port("p80", 80)])
        let h = try await AgentHarness { api in
            api.upsert(good)
            api.upsert(badIP)
            // Undecodable: ports is not a list.
            api.upsert(.services, ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "garbage", "namespace": "ns1"],
                                   "spec": ["clusterIP": "172.30.4.9", "ports": "eighty"]])
        }
        #expect(await h.converges(to: K.desired([good], [])))
        #expect(h.agent.stats.invalidObjects >= 2)
        // Later invalid objects through the watch are skipped as well; valid ones still count.
        h.api.upsert(.endpointslices, ["apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                                       "metadata": ["name": "x", "namespace": "ns1"], "endpoints": 7])
        let s = K.slice("ns1", "good", ips: ["10.5.0.1"])
        h.api.upsert(s)
        #expect(await h.converges(to: K.desired([good], [s])))
        #expect(h.agent.stats.invalidObjects >= 3)
        await h.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func nodeZoneLabelSelectsTopologyHintedEndpoints() async throws {
        let svc = K.service("ns1", "zonal", clusterIP: "172.30.5.1", ports: [K.port("p80", 80)])
        func ep(_ ip: String, _ zone: String) -> EndpointSlice.Endpoint {
            EndpointSlice.Endpoint(addresses: [ip], zone: zone, hints: .init(forZones: [.init(name: zone)]))
        }
        var slice = K.slice("ns1", "zonal", ips: [])
        slice.endpoints = [ep("10.6.0.1", "zone-a"), ep("10.6.0.2", "zone-b")]
        var settings = K.settings
        settings.topologyZone = "zone-a"
        let h = try await AgentHarness(settings: settings, followNode: true) { api in
            api.nodeLabels = ["topology.kubernetes.io/zone": "zone-a"]
            api.upsert(svc)
            api.upsert(slice)
        }
        let inA = K.desired([svc], [slice], settings: settings)
        #expect(await h.converges(to: inA))
        #expect(try h.save("nat").contains("10.6.0.1:8080") && !(try h.save("nat").contains("10.6.0.2:8080")))
        h.api.nodeLabels = ["topology.kubernetes.io/zone": "zone-b"]
        settings.topologyZone = "zone-b"
        #expect(await h.converges(to: K.desired([svc], [slice], settings: settings)))
        #expect(try h.save("nat").contains("10.6.0.2:8080") && !(try h.save("nat").contains("10.6.0.1:8080")))
        await h.stop()
    }
}

/// The node object is watched (list+watch with a field selector), not polled: a deletion
/// timestamp and the autoscaler's taint reach /healthz through the node watch.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct NodeWatchTests {
    @Test(.timeLimit(.minutes(1)))
    func nodeChangesReachHealthThroughTheWatch() async throws {
        let h = try await AgentHarness(followNode: true) { _ in }
        #expect(await eventually { h.api.count("watch nodes") >= 1 })
        #expect(h.agent.health.nodeEligible)
        h.api.nodeDeleting = true
        #expect(await eventually(timeout: .seconds(5)) { !h.agent.health.nodeEligible })
        h.api.nodeDeleting = false
        #expect(await eventually(timeout: .seconds(5)) { h.agent.health.nodeEligible })
        #expect(h.api.count("list nodes") == 1, "one list, then the watch carries every change")
        await h.stop()
    }
}

/// Start-up and shutdown behaviour.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct AgentLifecycleTests {
    @Test(.timeLimit(.minutes(1)))
    func nothingIsProgrammedBeforeEverySourceListedAndRulesStayAfterShutdown() async throws {
        let svc = K.service("ns1", "svc1", clusterIP: "172.30.0.41", ports: [K.port("p80", 80)])
        let slice = K.slice("ns1", "svc1", ips: ["10.180.0.1"])
        // kube-proxy's real-node settings: nfacct counters are created before the first write.
        var settings = K.settings
        settings.nfacct = true
        let h = try await AgentHarness(settings: settings) { api in api.upsert(svc); api.upsert(slice) }
        let desired = K.desired([svc], [slice], settings: settings)
        #expect(await h.converges(to: desired))
        #expect(await eventually { h.agent.stats.syncs >= 1 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(h.agent.stats.commits == 1, "one transaction for the initial state")
        await h.stop()
        #expect(h.live(equals: desired), "rules stay in place after shutdown")
        #expect(try h.ns.exec(["nfacct", "list"]).contains("ct_state_invalid_dropped_pkts"))
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnreachableAPIProgramsNothingAndHealthStaysUp() async throws {
        let ns = try TestNamespace()
        let client = try KubeAPIClient(endpoint: KubeEndpoint(server: "http://127.0.0.1:9"), requestTimeout: .seconds(1))
        let sources: [any ClusterEventSource] = ObjectKind.allCases.map {
            Reflector(client: client, kind: $0, logger: AgentHarness.logger, backoff: Backoff(base: .milliseconds(50), cap: .milliseconds(100)))
        }
        let agent = try ProxyAgent(configuration: AgentConfiguration(settings: K.settings, netns: ns.name), sources: sources,
                                   logger: AgentHarness.logger)
        let run = Task { await agent.run() }
        try await Task.sleep(for: .milliseconds(600))
        #expect(agent.stats.syncs == 0, "no sync before the first complete list")
        #expect(!(try ns.exec(["iptables-save"]).contains("KUBE-")))
        #expect(agent.health.status().healthy)
        // Cancelling the task that runs the agent stops it like shutdown() does.
        run.cancel()
        await run.value
        await client.shutdown()
    }
}
