import Testing
@testable import Reconciler
import ReconcilerTesting

/// Issue 14 in the pure core: which families a node proxies and with what settings, one desired
/// state per family from one set of objects, and the engine's laws for two families at once
/// (one transaction, in sync plans nothing, replanning after a concurrent change covers both).
@Suite struct DualStackEngineTests {
    static func input(nodeIPs: [String]?, clusterCIDRs: [String]? = ["10.244.0.0/16", "fd00:10::/64"], family: String? = nil) -> ProxySettingsInput {
        var input = ProxySettingsInput()
        input.hostnameOverride = "node-a"
        input.nodeIPs = nodeIPs
        input.clusterCIDRs = clusterCIDRs
        input.ipFamily = family
        return input
    }

    static func service(_ name: String, clusterIPs: [String], families: [String]) -> Service {
        var spec = Service.Spec(clusterIP: clusterIPs[0], clusterIPs: clusterIPs,
                                ports: [Service.Port(name: "http", protocol: "TCP", port: 80, nodePort: 30000 + name.count)])
        spec.type = "NodePort"
        spec.ipFamilies = families
        return Service(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec)
    }

    static func slice(_ service: String, _ family: String, _ ips: [String]) -> EndpointSlice {
        EndpointSlice(metadata: ObjectMeta(name: "\(service)-\(family.lowercased())", namespace: "default",
                                           labels: [EndpointSlice.serviceNameLabel: service]),
                      addressType: family, endpoints: ips.map { EndpointSlice.Endpoint(addresses: [$0], nodeName: "node-a") },
                      ports: [EndpointSlice.Port(name: "http", protocol: "TCP", port: 8080)])
    }

    static func cluster(v6Endpoint: String = "fd00:10::5", v4Endpoint: String = "10.244.1.5") -> ClusterState {
        let services = [service("web", clusterIPs: ["10.96.0.10", "fd00:30::10"], families: ["IPv4", "IPv6"]),
                        service("v6only", clusterIPs: ["fd00:30::20"], families: ["IPv6"]),
                        service("v4", clusterIPs: ["10.96.0.30"], families: ["IPv4"])]
        let slices = [slice("web", "IPv4", [v4Endpoint]), slice("web", "IPv6", [v6Endpoint]),
                      slice("v6only", "IPv6", ["fd00:10::7"]), slice("v4", "IPv4", ["10.244.1.9"])]
        let (state, issues) = ClusterState.validating(services: services, slices: slices)
        #expect(issues.isEmpty, "\(issues)")
        return state
    }

    @Test func theFamiliesAreThoseOfTheNodesAddressesUnlessOneIsChosen() throws {
        #expect(try Self.input(nodeIPs: ["192.168.0.2", "2001:db8::2"]).families() == [.ipv4, .ipv6])
        #expect(try Self.input(nodeIPs: ["2001:db8::2", "192.168.0.2"]).families() == [.ipv4, .ipv6])
        #expect(try Self.input(nodeIPs: ["2001:db8::2", "192.168.0.2"]).primaryFamily() == .ipv6)
        #expect(try Self.input(nodeIPs: ["2001:db8::2"]).families() == [.ipv6])
        #expect(try Self.input(nodeIPs: nil).families() == [.ipv4])
        #expect(try Self.input(nodeIPs: ["192.168.0.2", "2001:db8::2"], family: "ipv6").families() == [.ipv6])
        let node = try Self.input(nodeIPs: ["2001:db8::2", "192.168.0.2"]).resolveFamilies()
        #expect(node.isDualStack && node.primary == .ipv6 && node.warnings.isEmpty)
        #expect(node.settings(for: .ipv4)?.localDetector == .cidr(CIDR("10.244.0.0/16")!))
        #expect(node.settings(for: .ipv6)?.localDetector == .cidr(CIDR("fd00:10::/64")!))
        #expect(node.settings(for: .ipv6)?.primaryNodeIP == IPAddress("2001:db8::2"))
    }

    /// kube-proxy's checkBadIPConfig: a detect-local CIDR list all of the wrong family is fatal on
    /// a single-stack node, a warning on a dual-stack one; nodePortAddresses only ever warns.
    @Test func aSettingOfOnlyTheOtherFamilyIsFatalOnlyWhereKubeProxySaysSo() throws {
        let single = Self.input(nodeIPs: ["192.168.0.2"], clusterCIDRs: ["fd00:10::/64"])
        #expect(throws: SettingsError.self) { try single.resolveFamilies() }
        let dual = try Self.input(nodeIPs: ["192.168.0.2", "2001:db8::2"], clusterCIDRs: ["fd00:10::/64"]).resolveFamilies()
        #expect(dual.warnings.contains("cluster is dual-stack but clusterCIDRs contains only IPv6 addresses"), "\(dual.warnings)")
        var ports = Self.input(nodeIPs: ["192.168.0.2"], clusterCIDRs: ["10.0.0.0/8"])
        ports.nodePortAddresses = ["2001:db8::/64"]
        #expect(try ports.resolveFamilies().warnings == ["cluster is IPv4-only but nodePortAddresses contains only IPv6 addresses"])
        let oneCIDR = try Self.input(nodeIPs: ["192.168.0.2", "2001:db8::2"], clusterCIDRs: ["10.0.0.0/8"]).resolveFamilies()
        #expect(oneCIDR.warnings.count == 1 && oneCIDR.warnings[0].hasPrefix("no IPv6 cluster CIDR"), "\(oneCIDR.warnings)")
    }

    /// Each family's desired state from the dual-stack settings equals the single-family one.
    @Test func eachFamilysRulesetEqualsTheSingleFamilyOne() throws {
        let node = try Self.input(nodeIPs: ["192.168.0.2", "2001:db8::2"]).resolveFamilies()
        for family in IPFamily.allCases {
            let alone = try Self.input(nodeIPs: ["192.168.0.2", "2001:db8::2"], family: family.rawValue).resolve()
            let dual = try #require(node.settings(for: family))
            #expect(dual == alone)
            let ruleset = DesiredState.compute(Self.cluster(), settings: dual)
            #expect(ruleset.family == family)
            let text = SaveRenderer.render(ruleset)
            #expect(text.contains(family == .ipv4 ? "10.96.0.10" : "fd00:30::10"))
            #expect(!text.contains(family == .ipv4 ? "fd00:30::" : "10.96.0."), "\(family) holds the other family's addresses")
        }
    }

    func desired(_ state: ClusterState) throws -> [Ruleset] {
        try Self.input(nodeIPs: ["192.168.0.2", "2001:db8::2"]).resolveFamilies().settings.map { DesiredState.compute(state, settings: $0) }
    }

    @Test func bothFamiliesConvergeInOneTransactionAndThenPlanNothing() throws {
        let backend = InMemoryBackend(families: [Ruleset(family: .ipv4), Ruleset(family: .ipv6)])
        let engine = ReconcileEngine(backend: backend, families: [.ipv4, .ipv6])
        let want = try desired(Self.cluster())
        let first = try engine.reconcile(want)
        #expect(try first.allSatisfy(\.applied) && backend.commits == 1 && backend.generation() == 2)
        for ruleset in want { #expect(Planner.plan(observed: backend.state(of: ruleset.family), desired: ruleset).isEmpty) }
        let second = try engine.reconcile(want)
        #expect(second.allSatisfy { $0.plan.isEmpty && !$0.reread } && backend.commits == 1)

        // One family changes: one transaction holding only that family's plan; the view of both
        // is kept (no re-read), with the handles the commit reported.
        let next = try desired(Self.cluster(v6Endpoint: "fd00:10::6"))
        let third = try engine.reconcile(next)
        #expect(third[0].plan.isEmpty && !third[1].plan.isEmpty && backend.commits == 2)
        #expect(backend.fullReads == 2, "the cached views were re-read")
        #expect(try engine.verify(next).allSatisfy(\.isEmpty))
    }

    @Test func aConcurrentWriteToOneFamilyReplansBoth() throws {
        let backend = InMemoryBackend(families: [Ruleset(family: .ipv4), Ruleset(family: .ipv6)])
        let engine = ReconcileEngine(backend: backend, families: [.ipv4, .ipv6])
        var wrote = false
        backend.beforeCommit = { b in
            guard !wrote else { return }
            wrote = true
            b.externalWrite(family: .ipv6) { ruleset in
                ruleset.tables.append(Table(name: .mangle, chains: [Chain(name: "FOREIGN", rules: [])]))
            }
        }
        let want = try desired(Self.cluster())
        let outcomes = try engine.reconcile(want)
        #expect(outcomes.allSatisfy { $0.applied && $0.retries >= 1 })
        #expect(backend.commits == 1)
        for ruleset in want { #expect(Planner.plan(observed: backend.state(of: ruleset.family), desired: ruleset).isEmpty) }
        #expect(backend.state(of: .ipv6).ruleset[table: .mangle] != nil, "the other writer's table survived")
    }

    /// The engine's laws for two families over generated clusters: every accepted input converges
    /// in one apply (one commit for both families), an in-sync state plans nothing, and a change
    /// of every kind applied through the trackers equals a full recompute, again in one commit.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func generatedDualStackClustersConvergeInOneApply(seed: UInt64) throws {
        let generator = ClusterGenerator(seed: seed)
        let base = generator.cluster(services: 150)
        let cluster = DualStackMirror.mirror(base)
        var trackers = DualStackMirror.settings.map { ChangeTracker(settings: $0) }
        for i in trackers.indices { trackers[i].update(to: cluster.state) }
        let backend = InMemoryBackend(families: [Ruleset(family: .ipv4), Ruleset(family: .ipv6)])
        let engine = ReconcileEngine(backend: backend, families: [.ipv4, .ipv6])
        _ = try engine.reconcile(trackers.map(\.ruleset))
        #expect(backend.commits == 1)
        for tracker in trackers {
            #expect(Planner.plan(observed: backend.state(of: tracker.settings.ipFamily), desired: tracker.ruleset).isEmpty)
        }
        for i in trackers.indices { trackers[i].clearUnappliedChanges() }
        #expect(try engine.reconcile(trackers.map(\.ruleset)).allSatisfy { $0.plan.isEmpty })

        let (target, change) = generator.changing(base, count: 8)
        for i in trackers.indices { trackers[i].batch { t in for e in DualStackMirror.mirror(change) { e.apply(to: &t) } } }
        _ = try engine.reconcile(trackers.map(\.ruleset), changes: trackers.map(\.unappliedChange))
        #expect(backend.commits == 2)
        for (i, settings) in DualStackMirror.settings.enumerated() {
            let full = DesiredState.compute(DualStackMirror.mirror(target).state, settings: settings)
            #expect(trackers[i].ruleset == full)
            #expect(Planner.plan(observed: backend.state(of: settings.ipFamily), desired: full).isEmpty)
        }
    }
}
