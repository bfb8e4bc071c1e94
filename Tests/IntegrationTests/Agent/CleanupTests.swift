import Foundation
import TestSupport
import Testing
@testable import Reconciler

/// `agent --cleanup` (issue 11): kube-proxy's own rules (from iptables-restore of its text), its
/// canary chains and IPv6 chains next to foreign rules (Docker-like chains, a user's PREROUTING
/// rule): afterwards no kube line is left but KUBE-FIREWALL (which kube-proxy's cleanup keeps: it
/// duplicates kubelet's localnet protection) and every foreign line is as it was.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct CleanupTests {
    static let foreign = [
        ["iptables", "-t", "nat", "-N", "DOCKER"],
        ["iptables", "-t", "nat", "-A", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"],
        ["iptables", "-t", "nat", "-A", "DOCKER", "-p", "tcp", "--dport", "8080", "-j", "DNAT", "--to-destination", "172.17.0.2:80"],
        ["iptables", "-t", "nat", "-I", "PREROUTING", "1", "-s", "203.0.113.0/24", "-j", "RETURN"],
        ["iptables", "-N", "DOCKER-USER"],
        ["iptables", "-A", "FORWARD", "-j", "DOCKER-USER"],
        ["iptables", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"],
        ["ip6tables", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"],
    ]
    static let kubeExtras = [
        ["iptables", "-t", "mangle", "-N", "KUBE-PROXY-CANARY"], ["iptables", "-t", "nat", "-N", "KUBE-PROXY-CANARY"],
        ["iptables", "-t", "filter", "-N", "KUBE-PROXY-CANARY"], ["ip6tables", "-t", "mangle", "-N", "KUBE-PROXY-CANARY"],
        ["ip6tables", "-t", "nat", "-N", "KUBE-SERVICES"],
        ["ip6tables", "-t", "nat", "-A", "OUTPUT", "-m", "comment", "--comment", "kubernetes service portals", "-j", "KUBE-SERVICES"],
        ["ip6tables", "-t", "nat", "-N", "KUBE-SVC-ABCDEFGHIJKLMNOP"],
        ["ip6tables", "-t", "nat", "-A", "KUBE-SERVICES", "-j", "KUBE-SVC-ABCDEFGHIJKLMNOP"],
    ]

    static func all(_ namespace: NetworkNamespace) throws -> String {
        try namespace.save("ipv4") + namespace.save("ipv6")
    }

    @Test func removesKubeProxyAndKeepsEverythingElse() throws {
        let namespace = try NetworkNamespace()
        // (iptables-restore flushes the tables it names: kube-proxy's text first, foreign rules after.)
        try ConvergenceTests.restoreKubeProxyText(into: namespace)
        for command in Self.foreign { _ = try namespace.check(command) }
        // kube-proxy's jumps from the built-in chains (restore text does not hold them).
        for (table, chain, target) in [("nat", "PREROUTING", "KUBE-SERVICES"), ("nat", "OUTPUT", "KUBE-SERVICES"),
                                       ("nat", "POSTROUTING", "KUBE-POSTROUTING"), ("filter", "INPUT", "KUBE-FIREWALL"),
                                       ("filter", "FORWARD", "KUBE-FORWARD"), ("filter", "OUTPUT", "KUBE-SERVICES")] {
            _ = try namespace.check(["iptables", "-t", table, "-I", chain, "-m", "comment", "--comment", "kube", "-j", target])
        }
        for command in Self.kubeExtras { _ = try namespace.check(command) }
        let before = try Self.all(namespace)
        #expect(before.contains("KUBE-SVC-"))
        let result = try Kpx.run(["agent", "--cleanup", "--netns", namespace.name])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cleanup ipv4: removed") && result.stdout.contains("cleanup ipv6: removed"), "\(result.stdout)")
        let after = try Self.all(namespace)
        #expect(!after.replacingOccurrences(of: "KUBE-FIREWALL", with: "").contains("KUBE-"), "\(after)")
        // Foreign lines byte for byte (the tables kube-proxy created stay, empty, as iptables leaves them).
        let kept = after.split(separator: "\n").filter { !$0.hasPrefix("*") && !$0.hasPrefix(":") && $0 != "COMMIT" && !$0.contains("KUBE-FIREWALL") }
        let want = before.split(separator: "\n").filter { !$0.hasPrefix("*") && !$0.hasPrefix(":") && $0 != "COMMIT" && !$0.contains("KUBE-") }
        #expect(after.contains(":KUBE-FIREWALL") && after.contains("-A INPUT -m comment --comment kube -j KUBE-FIREWALL"))
        #expect(want.count == Self.foreign.filter { $0.contains("-A") || $0.contains("-I") }.count)
        #expect(kept == want, "\(after)")
        // Idempotent: a second cleanup has nothing to do.
        let again = try Kpx.run(["agent", "--cleanup", "--netns", namespace.name])
        #expect(again.status == 0 && again.stdout.contains("cleanup ipv4: nothing to remove"), "\(again.stdout)")
    }

    /// A foreign rule that jumps into a kube chain keeps that chain (flushed), with a warning.
    @Test func chainReferencedByAForeignRuleIsFlushedNotDeleted() throws {
        let namespace = try NetworkNamespace()
        _ = try namespace.check(["iptables", "-t", "nat", "-N", "KUBE-MARK-MASQ"])
        _ = try namespace.check(["iptables", "-t", "nat", "-A", "KUBE-MARK-MASQ", "-j", "MARK", "--set-xmark", "0x4000/0x4000"])
        _ = try namespace.check(["iptables", "-t", "nat", "-N", "CNI-HOSTPORT-MASQ"])
        _ = try namespace.check(["iptables", "-t", "nat", "-A", "CNI-HOSTPORT-MASQ", "-j", "KUBE-MARK-MASQ"])
        let result = try Kpx.run(["agent", "--cleanup", "--netns", namespace.name])
        #expect(result.status == 0 && result.stdout.contains("flushed, not deleted"), "\(result.stdout)\(result.stderr)")
        let after = try namespace.save()
        #expect(after.contains(":KUBE-MARK-MASQ") && !after.contains("-A KUBE-MARK-MASQ") && after.contains("-A CNI-HOSTPORT-MASQ -j KUBE-MARK-MASQ"))
    }
}
