import Foundation
import Testing
@testable import Reconciler
import ReconcilerTesting

/// Issue 5: the nine steps of kube-proxy's TestSyncProxyRulesRepeated
/// (Tests/Fixtures/kube-proxy-cases/03-sync-proxy-rules-repeated, copied from the team's oracle
/// data; see SOURCE.md there) applied in order to ONE namespace with kpx-reconcile. After each
/// step: the live state equals our desired state for the step, kube-proxy's expected text for
/// the step agrees with the live KUBE chains (compared as upstream compares it), and a second
/// run does nothing.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct SyncRepeatedTests {
    static let base = "kube-proxy-cases/03-sync-proxy-rules-repeated/"
    static let steps = ["step1-initial", "step2-add-svc3", "step3-delete-svc2", "step4-add-svc4-no-endpoints",
                        "step5-add-svc4-endpoints", "step6-change-svc3-endpoint", "step7-add-svc3-endpoint",
                        "step8-no-change", "step9-full-resync-after-failed-partial"]

    /// What the upstream test injected between steps 8 and 9: a foreign rule in an owned chain,
    /// jumping to a chain of svc4 (which step 9 deletes).
    static let injected = ["iptables", "-t", "nat", "-A", "KUBE-SVC-X27LE4BHSL4DOUIK", "-j", "KUBE-SEP-AYCN5HPXMIRJNJXU"]

    @Test func nineStepsInOneNamespace() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.fakeProxier()
        for step in Self.steps {
            if step.hasPrefix("step9") { try namespace.check(Self.injected) }
            let input = Fixtures.root.appendingPathComponent(Self.base + step + "/input.yaml").path
            let document = try Kpx.reconcileJSON(namespace, [input], flags)
            if step.hasPrefix("step8") { #expect(document.operations.isEmpty, "step8 changes nothing") }
            if step.hasPrefix("step9") {
                #expect(document.operations.contains { $0.op == "delete-rule" && $0.chain == "KUBE-SVC-X27LE4BHSL4DOUIK" },
                        "the injected rule is removed")
            }
            try Converged.expect(namespace, equals: try flags.desired([input]), step)
            try Self.expectKubeProxyText(namespace, step: step)
            try Converged.expectIdle(namespace, [input], flags, step)
        }
        let live = try namespace.save(table: "nat")
        #expect(!live.contains("KUBE-SEP-AYCN5HPXMIRJNJXU") && !live.contains("ns4/svc4"))
    }

    /// The step's expected restore text names the chains kube-proxy wrote (all fixed chains and,
    /// for partial syncs, the changed services' chains) and deletes stale ones with `-X`. Our
    /// live KUBE chains, restricted to those, rendered as kube-proxy writes and normalised as
    /// upstream's assertIPTablesRulesEqual does, must equal it; `-X` chains must be gone.
    static func expectKubeProxyText(_ namespace: NetworkNamespace, step: String) throws {
        let expected = try Fixtures.text(base + step + "/expected.iptables")
        let (declared, deleted) = chainsNamed(in: expected)
        var live = try LiveState.ruleset(namespace)
        for index in live.tables.indices {
            let name = live.tables[index].name
            for chain in deleted[name] ?? [] {
                #expect(live.tables[index][chain: chain] == nil, "\(step): \(name.rawValue)/\(chain) should be deleted")
            }
            let keep = declared[name] ?? []
            live.tables[index].chains = live.tables[index].chains.filter { keep.contains($0.name) && !$0.isBuiltin }
        }
        live.tables = live.tables.filter { declared[$0.name] != nil }
        let text = KubeProxyTextWriter(markStyle: .short).render(live, deletedChains: deleted)
        let got = try RestoreTextNormalizer.normalize(text)
        let want = String(expected.drop { $0.isWhitespace })
        #expect(got == want, "\(step): live KUBE chains differ from kube-proxy's text\n\(Converged.lineDiff(got, want))")
    }

    /// Chains declared (`:NAME`) and deleted (`-X NAME`) per table in restore text.
    static func chainsNamed(in text: String) -> ([TableName: Set<String>], [TableName: [String]]) {
        var declared: [TableName: Set<String>] = [:], deleted: [TableName: [String]] = [:]
        var table: TableName?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("*") { table = TableName(rawValue: String(line.dropFirst())); continue }
            guard let table else { continue }
            let words = line.split(separator: " ").map(String.init)
            if line.hasPrefix(":") { declared[table, default: []].insert(String(words[0].dropFirst())) }
            if words.first == "-X", words.count > 1 { deleted[table, default: []].append(words[1]) }
        }
        return (declared, deleted)
    }
}
