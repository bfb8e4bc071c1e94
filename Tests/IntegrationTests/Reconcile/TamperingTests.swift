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
