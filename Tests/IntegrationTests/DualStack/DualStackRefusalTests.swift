import ClusterSource
import Foundation
import NetlinkBridge
import Testing
@testable import Reconciler

/// Issue 14: the kernel refusing the IPv6 half of a dual-stack transaction refuses all of it:
/// neither family's tables change and the generation stays; the same change without the
/// refusal then lands both families in one generation.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct DualStackRefusalTests {
    /// The kernel backend, with the IPv6 plan of each commit made invalid while `poisoned`: a
    /// KUBE-MARK-MASQ rule jumping to KUBE-MARK-MASQ (the kernel's loop check refuses it, ELOOP).
    final class RefusingIPv6Half: RulesetBackend {
        let inner: NetlinkBackend
        var poisoned = true
        init(_ inner: NetlinkBackend) { self.inner = inner }
        func generation() throws -> UInt32 { try inner.generation() }
        func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset { try inner.observe(family: family, tables: tables) }
        func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
            try inner.observe(family: family, chains: chains)
        }
        func commit(_ plan: Plan) throws { _ = try commit(families: [plan], learningHandles: false) }
        func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64] {
            let sent = plans.map { plan -> Plan in
                guard poisoned, plan.family == .ipv6 else { return plan }
                var bad = plan
                bad.operations.append(.insertRule(table: .nat, chain: KubeChains.markMasq,
                                                  rule: Rule(target: .jump(KubeChains.markMasq)), placement: .append))
                return bad
            }
            return try inner.commit(families: sent, learningHandles: learningHandles)
        }
    }

    func desired(_ file: String) throws -> [Ruleset] {
        let loaded = ManifestLoader.parse(try Fixtures.text(file), source: file)
        let (state, _) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        var input = ProxySettingsInput()
        input.hostnameOverride = "node-a"
        input.nodeIPs = ["192.168.0.2", "2001:db8::2"]
        input.clusterCIDRs = ["10.244.0.0/16", "fd00:10::/64"]
        input.nfacct = false
        return try input.resolveFamilies().settings.map { DesiredState.compute(state, settings: $0) }
    }

    @Test func aRefusedIPv6HalfChangesNeitherFamily() throws {
        let ns = try NetworkNamespace()
        let empty = try desired("traffic/no-endpoints.yaml")
        let engine = ReconcileEngine(backend: try NetlinkBackend(netns: ns.name), families: [.ipv4, .ipv6])
        #expect(try engine.reconcile(empty).contains(where: \.applied))
        // iptables-save's first line carries the time: compare the rules only.
        func rules(_ family: String) throws -> String { DualStackCLITests.withoutComments(try ns.save(family)) }
        let before = (try rules("ipv4"), try rules("ipv6"))
        let generation = try NetlinkBackend(netns: ns.name).generation()

        let backend = RefusingIPv6Half(try NetlinkBackend(netns: ns.name))
        let refused = ReconcileEngine(backend: backend, families: [.ipv4, .ipv6])
        let want = try desired("clusters/dual-stack.yaml")
        #expect(throws: ReconcileError.self) { try refused.reconcile(want) }
        #expect(try backend.generation() == generation, "something was committed")
        #expect(try rules("ipv4") == before.0, "the IPv4 half was applied")
        #expect(try rules("ipv6") == before.1, "the IPv6 half was applied")

        backend.poisoned = false
        let applied = try refused.reconcile(want)
        #expect(try applied.allSatisfy(\.applied) && backend.generation() == generation &+ 1)
        #expect(try refused.verify(want).allSatisfy(\.isEmpty))
    }
}
