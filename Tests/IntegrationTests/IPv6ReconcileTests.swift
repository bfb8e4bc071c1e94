import ClusterSource
import Foundation
import NetlinkBridge
import Testing
@testable import Reconciler

/// The reconcile engine over the real kernel for an IPv6 cluster: ip6 tables are programmed,
/// ip6tables-save agrees with the desired state, and a second run does nothing.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct IPv6ReconcileTests {
    func desired() throws -> Ruleset {
        let loaded = ManifestLoader.parse(try Fixtures.text("clusters/ipv6-nodeport.yaml"), source: "ipv6-nodeport.yaml")
        #expect(loaded.issues.isEmpty)
        let (state, issues) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        #expect(issues.isEmpty)
        var input = ProxySettingsInput()
        input.hostnameOverride = "node-a"
        input.nodeIPs = ["2001:db8::1"]
        input.clusterCIDRs = ["fd00:10::/64"]
        input.ipFamily = "ipv6"
        return DesiredState.compute(state, settings: try input.resolve())
    }

    @Test func programsIp6TablesAndConverges() throws {
        let namespace = try NetworkNamespace()
        let desired = try desired()
        let backend = try NetlinkBackend(netns: namespace.name)
        try backend.ensureAccountingObjects(for: desired)
        let engine = ReconcileEngine(backend: backend, family: .ipv6)
        let first = try engine.reconcile(desired)
        #expect(first.applied)
        #expect(try engine.verify(desired).isEmpty)

        let saved = try RestoreParser.ruleset(try namespace.check(["ip6tables-save"]), family: .ipv6)
        for table in desired.tables {
            for chain in table.chains where !chain.isBuiltin {
                #expect(saved[table: table.name]?[chain: chain.name]?.rules == chain.rules, "\(table.name)/\(chain.name)")
            }
        }
        let fresh = ReconcileEngine(backend: try NetlinkBackend(netns: namespace.name), family: .ipv6)
        #expect(try fresh.reconcile(desired).plan.isEmpty)
    }
}
