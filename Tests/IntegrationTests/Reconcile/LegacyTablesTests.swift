import Foundation
import Testing
import TestSupport

/// An iptables-legacy node is refused with a clear error and nothing changes (issue 18).
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LegacyTablesTests {
    @Test func legacyTablesAreRefused() throws {
        let namespace = try NetworkNamespace()
        _ = try namespace.check(["iptables-legacy", "-t", "filter", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"])
        let cluster = Repo.path("examples/cluster.yaml")
        let flags = try NodeFlags.example()
        let refused = try Kpx.reconcile(namespace, [cluster], flags)
        #expect(refused.status == 1 && refused.stderr.contains("iptables-legacy tables are in use") && refused.stderr.contains("ip filter"),
                "\(refused.stderr)")
        #expect(!(try namespace.save()).contains("KUBE-"))
        let agent = try Kpx.run(["agent", "--netns", namespace.name, "--services-dir", "/nonexistent"])
        #expect(agent.status == 1 && agent.stderr.contains("iptables-legacy"), "\(agent.stderr)")
        let allowed = try Kpx.reconcile(namespace, [cluster], flags, ["--allow-legacy-tables"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }
}
