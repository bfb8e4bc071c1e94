import Foundation
import Testing
@testable import Reconciler

/// Issue 5 "converge from tampering": someone edits our chains behind our back (with the
/// iptables tool, as an admin would); the next reconcile repairs exactly that and a second run
/// does nothing.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct TamperingTests {
    static let cluster = Repo.path("examples/cluster.yaml")

    /// A namespace converged to examples/cluster.yaml, its desired state and the flags.
    func converged() throws -> (NetworkNamespace, Ruleset, NodeFlags) {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        let desired = try flags.desired([Self.cluster])
        try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        return (namespace, desired, flags)
    }

    /// Repairs after `tamper` and returns the repair plan.
    func repair(_ namespace: NetworkNamespace, _ desired: Ruleset, _ flags: NodeFlags, _ what: String,
                tamper: [[String]]) throws -> PlanDocument {
        for argv in tamper { try namespace.check(argv) }
        let document = try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        try Converged.expect(namespace, equals: desired, what)
        try Converged.expectIdle(namespace, [Self.cluster], flags, what)
        return document
    }

    @Test func deletedRuleInServiceChain() throws {
        let (namespace, desired, flags) = try converged()
        let chain = desired[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SVC-") && $0.rules.count >= 2 }!
        let document = try repair(namespace, desired, flags, "deleted rule",
                                  tamper: [["iptables", "-t", "nat", "-D", chain.name, "2"]])
        #expect(document.operations.count == 1 && document.operations.first?.op == "insert-rule", "\(document.operations)")
        #expect(document.operations.first?.rule == SaveRenderer.line(chain: chain.name, rule: chain.rules[1], family: .ipv4))
    }

    @Test func extraRuleInOwnedChain() throws {
        let (namespace, desired, flags) = try converged()
        let chain = desired[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SEP-") }!
        let document = try repair(namespace, desired, flags, "extra rule", tamper: [
            ["iptables", "-t", "nat", "-I", chain.name, "1", "-s", "198.51.100.7/32", "-m", "comment", "--comment", "admin", "-j", "RETURN"],
        ])
        #expect(document.operations.map(\.op) == ["delete-rule"], "\(document.operations)")
    }

    @Test func flushedNatServicesChain() throws {
        let (namespace, desired, flags) = try converged()
        let document = try repair(namespace, desired, flags, "flushed KUBE-SERVICES",
                                  tamper: [["iptables", "-t", "nat", "-F", "KUBE-SERVICES"]])
        let wanted = desired[table: .nat]![chain: "KUBE-SERVICES"]!.rules.count
        #expect(document.operations.count == wanted && document.operations.allSatisfy { $0.op == "insert-rule" && $0.chain == "KUBE-SERVICES" })
    }

    @Test func deletedJumpInPrerouting() throws {
        let (namespace, desired, flags) = try converged()
        let document = try repair(namespace, desired, flags, "deleted PREROUTING jump",
                                  tamper: [["iptables", "-t", "nat", "-D", "PREROUTING", "1"]])
        #expect(document.operations.count == 1 && document.operations.first?.chain == "PREROUTING"
                && document.operations.first?.placement == "first", "\(document.operations)")
    }

    /// A rule we cannot decode (here `-m length`, kept opaque) inside owned chains is only ever
    /// deleted, never rewritten: in KUBE-FORWARD it is extra; in KUBE-MARK-MASQ it stands where
    /// our only rule was deleted, which gives a delete plus an insert, not a replacement.
    @Test func opaqueRuleInOwnedChainIsDeletedNotReplaced() throws {
        let (namespace, desired, flags) = try converged()
        let document = try repair(namespace, desired, flags, "opaque rules", tamper: [
            ["iptables", "-I", "KUBE-FORWARD", "1", "-m", "length", "--length", "1000:2000", "-j", "DROP"],
            ["iptables", "-t", "nat", "-I", "KUBE-MARK-MASQ", "1", "-m", "length", "--length", "100", "-j", "RETURN"],
            ["iptables", "-t", "nat", "-D", "KUBE-MARK-MASQ", "2"],
        ])
        #expect(document.operations.map(\.op).sorted() == ["delete-rule", "delete-rule", "insert-rule"], "\(document.operations)")
    }

    /// A stray copy of the "must be the last rule" rule at the top of nat KUBE-SERVICES and a
    /// foreign rule after the real one: exactly those two are deleted.
    @Test func strayNodePortsRuleAndTrailingRule() throws {
        let (namespace, desired, flags) = try converged()
        let document = try repair(namespace, desired, flags, "stray pinned rule", tamper: [
            ["iptables", "-t", "nat", "-I", "KUBE-SERVICES", "1", "-m", "comment", "--comment",
             "kubernetes service nodeports; NOTE: this must be the last rule in this chain",
             "-m", "addrtype", "--dst-type", "LOCAL", "-j", "KUBE-NODEPORTS"],
            ["iptables", "-t", "nat", "-A", "KUBE-SERVICES", "-d", "198.51.100.9/32", "-j", "RETURN"],
        ])
        #expect(document.operations.map(\.op) == ["delete-rule", "delete-rule"], "\(document.operations)")
    }

    /// All four at once, in one repair transaction.
    @Test func severalTamperingsAtOnce() throws {
        let (namespace, desired, flags) = try converged()
        let svc = desired[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SVC-") && $0.rules.count >= 2 }!
        let document = try repair(namespace, desired, flags, "several", tamper: [
            ["iptables", "-t", "nat", "-D", svc.name, "1"],
            ["iptables", "-t", "nat", "-A", svc.name, "-j", "RETURN"],
            ["iptables", "-t", "nat", "-F", "KUBE-SERVICES"],
            ["iptables", "-t", "nat", "-D", "PREROUTING", "1"],
            ["iptables", "-t", "filter", "-F", "KUBE-FORWARD"],
        ])
        #expect(document.changes)
    }
}
