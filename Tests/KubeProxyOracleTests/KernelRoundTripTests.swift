import ClusterSource
import Foundation
import Reconciler
import Testing
import TestSupport

/// Restores the rendered text into a fresh network namespace with the real iptables-restore,
/// reads it back with iptables-save, and checks the parsed result equals the desired AST: what
/// kube-proxy's text becomes in the kernel is exactly what DesiredState says (no churn on takeover).
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct KernelRoundTripTests {
    @Test(arguments: ["01-overall-iptables-rules", "flow-02-cluster-ip-general", "flow-04-etp-local"])
    func savedRulesetEqualsDesired(_ dir: String) throws {
        var settings = Fixtures.fakeIPv4
        settings.nfacct = false
        settings.randomFully = true
        let desired = DesiredState.compute(Fixtures.state(dir).0, settings: settings)
        let namespace = try NetworkNamespace(prefix: "kpxdesired")
        try namespace.check(["iptables-restore", "--noflush"], stdin: KubeProxyTextWriter().render(desired))
        let saved = try RestoreParser.ruleset(try namespace.check(["iptables-save"]))
        for table in desired.tables {
            for chain in table.chains where !chain.isBuiltin && !(chain.rules.isEmpty && chain.name == KubeChains.kubeletFirewall) {
                let got = saved[table: table.name]?[chain: chain.name]?.rules
                if chain.name == KubeChains.services || chain.name == KubeChains.nodePorts {
                    #expect(got.map(Set.init) == Set(chain.rules), "\(dir) \(table.name) \(chain.name)")
                } else {
                    #expect(got == chain.rules, "\(dir) \(table.name) \(chain.name)")
                }
            }
        }
    }
}
