@testable import Agent
import Foundation
import NetlinkBridge
import Reconciler
import Testing

/// Re-reading only the chains the nf_tables notifications name gives exactly what a full read
/// gives, and falls back to a full read when a change cannot be followed chain by chain.
@Suite(.serialized, .enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct PatchingBackendTests {
    static let base = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :KUBE-SERVICES - [0:0]
        -A OUTPUT -m conntrack --ctstate NEW -j KUBE-SERVICES
        -A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m tcp --dport 80 -j REJECT
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :KUBE-SERVICES - [0:0]
        :KUBE-SVC-A - [0:0]
        :KUBE-SEP-A - [0:0]
        -A PREROUTING -j KUBE-SERVICES
        -A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-A
        -A KUBE-SVC-A -j KUBE-SEP-A
        -A KUBE-SEP-A -p tcp -m tcp -j DNAT --to-destination 10.1.0.1:80
        COMMIT

        """

    /// The chains that matter to a plan (ours and built-in ones), canonically ordered, with their
    /// handles. Foreign chains are not followed (issue 16: they never change a plan).
    static func canonical(_ o: ObservedRuleset) -> (Ruleset, [TableName: [String: [UInt64]]]) {
        var ruleset = o.ruleset
        for t in ruleset.tables.indices {
            let name = ruleset.tables[t].name
            ruleset.tables[t].chains.removeAll { !ReconcileEngine.matters(ChainRef(name, $0.name)) }
        }
        let handles = Dictionary(uniqueKeysWithValues: o.handles.map { table, chains in
            (table, chains.filter { !$0.value.isEmpty && ReconcileEngine.matters(ChainRef(table, $0.key)) })
        })
        return (ruleset.canonicallyOrdered(), handles)
    }

    /// The engine's view, patched with the chains the log names after each foreign change,
    /// equals a full read in every chain that matters; changes a chain-level read cannot follow
    /// give a full read.
    @Test(.timeLimit(.minutes(1)))
    func chainRereadsEqualFullReads() throws {
        let ns = try TestNamespace()
        try ns.exec(["sh", "-c", "printf '%s' \"$0\" | iptables-restore", Self.base])
        let events = try NftEventSocket(netns: ns.name)
        let log = TransactionLog(family: .ipv4)
        let kernel = try NetlinkBackend(netns: ns.name)
        let patching = PatchingBackend(inner: kernel, log: log)
        let engine = ReconcileEngine(backend: patching, family: .ipv4)
        let desired = try RestoreParser.ruleset(Self.base, family: .ipv4)
        let unchanged = DesiredChange(desired: desired, scope: [])
        _ = try engine.reconcile(desired, change: unchanged, dryRun: true)
        #expect(patching.fullReads == 1)

        let steps: [(String, [String], Bool)] = [
            ("delete a rule", ["iptables", "-t", "nat", "-D", "KUBE-SEP-A", "1"], true),
            ("flush KUBE-SERVICES", ["iptables", "-t", "nat", "-F", "KUBE-SERVICES"], true),
            ("new foreign chain with rules", ["sh", "-c", "iptables -t nat -N CNI-HOSTPORT && iptables -t nat -A CNI-HOSTPORT -p tcp --dport 8080 -j RETURN"], true),
            ("rule in a built-in chain", ["iptables", "-t", "filter", "-I", "INPUT", "-s", "192.0.2.1", "-j", "DROP"], true),
            ("delete a chain", ["sh", "-c", "iptables -t nat -F KUBE-SVC-A && iptables -t nat -D PREROUTING 1 && iptables -t nat -F KUBE-SERVICES && iptables -t nat -X KUBE-SVC-A"], true),
            ("another family only", ["nft", "add", "table", "inet", "cni"], true),
            ("built-in policy change", ["iptables", "-t", "filter", "-P", "FORWARD", "DROP"], false),
            ("after the fallback", ["iptables", "-t", "filter", "-A", "KUBE-SERVICES", "-j", "RETURN"], true),
        ]
        for (what, argv, chainLevel) in steps {
            try ns.exec(argv)
            // Drain the notifications into the log, as the agent's watcher thread does.
            for _ in 0..<5 {
                guard case .transactions(let list) = try events.next(timeoutMilliseconds: 20) else { log.lost(); continue }
                list.forEach(log.record)
            }
            let (full0, partial0) = (patching.fullReads, patching.partialReads)
            _ = try engine.reconcile(desired, change: unchanged, dryRun: true)
            let patched = try #require(engine.cache)
            let full = try kernel.observe(family: .ipv4, tables: [.filter, .nat])
            #expect(patched.generation == full.generation, "\(what)")
            #expect(Self.canonical(patched).0 == Self.canonical(full).0, "\(what): rules differ\n--- patched\n\(SaveRenderer.render(Self.canonical(patched).0))--- full\n\(SaveRenderer.render(Self.canonical(full).0))")
            #expect(Self.canonical(patched).1 == Self.canonical(full).1, "\(what): handles differ")
            #expect(chainLevel ? patching.partialReads == partial0 + 1 && engine.patchedChains != nil
                               : patching.fullReads == full0 + 1, "\(what)")
        }
    }

    /// Handles learned from a commit pass through; a refused commit is refused.
    @Test(.timeLimit(.minutes(1)))
    func commitLearningHandlesPassesHandlesThrough() throws {
        let ns = try TestNamespace()
        try ns.exec(["sh", "-c", "printf '%s' \"$0\" | iptables-restore", Self.base])
        let kernel = try NetlinkBackend(netns: ns.name)
        let patching = PatchingBackend(inner: kernel, log: TransactionLog(family: .ipv4))
        let services = ChainRef(.nat, "KUBE-SERVICES")
        let insert = PlanOperation.insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Rule(target: .jump("KUBE-SVC-A")),
                                              placement: .append)
        let learned = try patching.commitLearningHandles(Plan(family: .ipv4, operations: [insert],
                                                              generation: try kernel.generation()))
        let handles = try #require(try kernel.observe(family: .ipv4, chains: [services])[services] ?? nil).handles
        #expect(learned == [0: try #require(handles.last)])
        let bad = PlanOperation.insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Rule(target: .jump("NO-SUCH-CHAIN")),
                                           placement: .append)
        #expect(throws: BackendError.self) {
            try patching.commitLearningHandles(Plan(family: .ipv4, operations: [insert, bad], generation: try kernel.generation()))
        }
    }
}
