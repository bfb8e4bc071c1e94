import Foundation
import Testing
@testable import Reconciler

/// A transaction the kernel refuses (through the CLI) leaves every table as it was and fails
/// with exit 1 and an error naming the refused rule. The refusal is provoked with a foreign
/// chain that makes one of our chains reachable from a hook where its target is invalid
/// (kube-proxy-rules.md §5.11: MASQUERADE reachable from PREROUTING, DNAT from POSTROUTING,
/// both EINVAL when nf_tables validates the jump graph at commit).
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct RejectedTransactionTests {
    static let cluster = Repo.path("examples/cluster.yaml")
    static let replaced = Repo.path("examples/cluster-endpoint-replaced.yaml")

    /// First apply: an admin's chain, hooked into nat PREROUTING, jumps to an (empty)
    /// KUBE-POSTROUTING; our MASQUERADE rule there is refused, and with it the whole plan.
    @Test func refusedFirstApplyChangesNothing() throws {
        let namespace = try NetworkNamespace()
        for argv in [["-N", "KUBE-POSTROUTING"], ["-N", "ADMIN-HOOK"],
                     ["-A", "ADMIN-HOOK", "-s", "203.0.113.0/24", "-j", "KUBE-POSTROUTING"], ["-A", "PREROUTING", "-j", "ADMIN-HOOK"]] {
            try namespace.check(["iptables", "-t", "nat"] + argv)
        }
        let before = try namespace.save()
        let result = try Kpx.reconcile(namespace, [Self.cluster], try NodeFlags.example())
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE"),
                "the error names the refused rule: \(result.stderr)")
        #expect(result.stderr.contains("EINVAL") && result.stderr.contains("nothing applied"), "\(result.stderr)")
        #expect(try namespace.save() == before, "a refused transaction changed the tables")
    }

    /// Incremental apply: the new endpoint's KUBE-SEP chain exists (empty) and an admin's chain in
    /// nat POSTROUTING jumps to it; the DNAT rule the update adds there is refused, so neither the
    /// replaced KUBE-SVC rule nor the stale chain's deletion happens.
    @Test func refusedIncrementalApplyChangesNothing() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        let desired = try flags.desired([Self.replaced])
        let newChain = desired[table: .nat]!.chains.first { chain in
            chain.name.hasPrefix("KUBE-SEP-") && chain.rules.contains { SaveRenderer.render($0, family: .ipv4).contains("10.180.0.11:80") }
        }!.name
        for argv in [["-N", newChain], ["-N", "ADMIN-SNAT"], ["-A", "ADMIN-SNAT", "-d", "198.51.100.0/24", "-j", newChain],
                     ["-A", "POSTROUTING", "-j", "ADMIN-SNAT"]] {
            try namespace.check(["iptables", "-t", "nat"] + argv)
        }
        let before = try namespace.save()
        let result = try Kpx.reconcile(namespace, [Self.replaced], flags)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("-A \(newChain)") && result.stderr.contains("DNAT --to-destination 10.180.0.11:80"),
                "the error names the refused rule: \(result.stderr)")
        #expect(try namespace.save() == before, "a refused transaction changed the tables")
    }
}
