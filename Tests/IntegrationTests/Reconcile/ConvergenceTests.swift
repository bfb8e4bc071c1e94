import Foundation
import Testing
@testable import Reconciler

/// Issue 5 "converge from": an empty namespace, kube-proxy's own tables (takeover), stale
/// service chains. Each test: one fresh namespace, the built CLI, iptables-save as the oracle;
/// afterwards the live state equals the desired state and a second run does nothing.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct ConvergenceTests {
    static let cluster = Repo.path("examples/cluster.yaml")
    static let replaced = Repo.path("examples/cluster-endpoint-replaced.yaml")

    /// Loads kube-proxy's own restore text for examples/cluster.yaml, as kube-proxy would: the
    /// nfacct objects first, then iptables-restore.
    static func restoreKubeProxyText(into namespace: NetworkNamespace) throws {
        let text = try String(contentsOfFile: Repo.path("examples/kube-proxy-rules.iptables"), encoding: .utf8)
        try KernelObjects.create(for: try RestoreParser.ruleset(text), in: namespace)
        try namespace.check(["iptables-restore"], stdin: text)
    }

    @Test func fromEmptyNamespace() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        let desired = try flags.desired([Self.cluster])
        let document = try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        #expect(document.changes)
        // Empty start: the live tables are exactly the desired ruleset, in iptables-save's order.
        // (A table iptables-nft creates has all its base chains, e.g. nat INPUT, empty here.)
        var full = desired
        for index in full.tables.indices {
            for name in full.tables[index].name.builtinChains where full.tables[index][chain: name] == nil {
                full.tables[index][chain: name] = Chain(name: name, policy: .accept)
            }
        }
        let saved = try namespace.save(), want = OracleText.normalize(SaveRenderer.render(full.canonicallyOrdered()))
        #expect(saved == want, "\(Converged.lineDiff(saved, want))")
        try Converged.expect(namespace, equals: desired, "empty")
        try Converged.expectIdle(namespace, [Self.cluster], flags, "empty")
    }

    /// kube-proxy's own text for the same cluster: the only changes are the jump rules kube-proxy
    /// installs with EnsureRule (and the base chains they live in, which the restore text does
    /// not declare).
    @Test func takeoverFromKubeProxyRestoreText() throws {
        let namespace = try NetworkNamespace()
        try Self.restoreKubeProxyText(into: namespace)
        let flags = try NodeFlags.exampleAsKubeProxyWroteIt()
        let desired = try flags.desired([Self.cluster])
        let before = try namespace.save()
        let document = try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        let builtinRules = desired.tables.reduce(0) { n, t in
            n + t.chains.filter { t.name.builtinChains.contains($0.name) }.reduce(0) { $0 + $1.rules.count }
        }
        let inserts = document.operations.filter { $0.op == "insert-rule" }
        #expect(inserts.count == builtinRules)
        for operation in document.operations {
            let builtin = TableName(rawValue: operation.table)!.builtinChains.contains(operation.chain ?? "")
            #expect(builtin && ["insert-rule", "create-chain"].contains(operation.op),
                    "takeover touched more than the built-in jumps: \(operation)")
        }
        try Converged.expect(namespace, equals: desired, foreignBefore: before, "takeover")
        try Converged.expectIdle(namespace, [Self.cluster], flags, "takeover")
    }

    /// The same, with the jump rules already there as kube-proxy's EnsureRule leaves them (each
    /// prepended in turn): zero operations.
    @Test func takeoverWithEnsuredJumpsIsZeroOperations() throws {
        let namespace = try NetworkNamespace()
        try Self.restoreKubeProxyText(into: namespace)
        let flags = try NodeFlags.exampleAsKubeProxyWroteIt()
        let desired = try flags.desired([Self.cluster])
        for table in desired.tables {
            for chain in table.chains where table.name.builtinChains.contains(chain.name) {
                for rule in chain.rules {
                    let words = try Tokens.split(SaveRenderer.render(rule, family: .ipv4))
                    try namespace.check(["iptables", "-t", table.name.rawValue, "-I", chain.name] + words)
                }
            }
        }
        let document = try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        #expect(document.operations.isEmpty, "\(document.operations)")
        try Converged.expect(namespace, equals: desired, "takeover with jumps")
    }

    /// A service that no longer exists (its KUBE-SVC and KUBE-SEP chains, and its rules in the
    /// shared chains) is removed; nothing else changes.
    @Test func staleServiceChainsAreRemoved() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        let desired = try flags.desired([Self.cluster])
        try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        try namespace.check(["iptables-restore", "--noflush"], stdin: """
            *nat
            :KUBE-SVC-STALESTALESTALE1 - [0:0]
            :KUBE-SEP-STALESTALESTALE2 - [0:0]
            :KUBE-EXT-STALESTALESTALE1 - [0:0]
            -A KUBE-SERVICES -d 172.30.9.9/32 -p tcp -m comment --comment "gone/svc:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-STALESTALESTALE1
            -I KUBE-NODEPORTS 1 -p tcp -m comment --comment "gone/svc:p80" -m tcp --dport 31999 -j KUBE-EXT-STALESTALESTALE1
            -A KUBE-EXT-STALESTALESTALE1 -j KUBE-SVC-STALESTALESTALE1
            -A KUBE-SVC-STALESTALESTALE1 -j KUBE-SEP-STALESTALESTALE2
            -A KUBE-SEP-STALESTALESTALE2 -p tcp -m tcp -j DNAT --to-destination 10.9.9.9:80
            COMMIT

            """)
        let document = try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        #expect(document.summary.chainsDeleted == 3 && document.summary.rulesDeleted == 5, "\(document.summary)")
        try Converged.expect(namespace, equals: desired, "stale")
        try Converged.expectIdle(namespace, [Self.cluster], flags, "stale")
    }

    /// From kube-proxy's tables for the cluster to the cluster with one endpoint replaced: the old
    /// endpoint's KUBE-SEP chain is stale and goes.
    @Test func staleEndpointChainAfterTakeover() throws {
        let namespace = try NetworkNamespace()
        try Self.restoreKubeProxyText(into: namespace)
        let flags = try NodeFlags.exampleAsKubeProxyWroteIt()
        let desired = try flags.desired([Self.replaced])
        let document = try Kpx.reconcileJSON(namespace, [Self.replaced], flags)
        #expect(document.summary.chainsDeleted == 1 && document.summary.chainsCreated >= 1, "\(document.summary)")
        try Converged.expect(namespace, equals: desired, "stale endpoint")
        try Converged.expectIdle(namespace, [Self.replaced], flags, "stale endpoint")
    }
}

/// Splits iptables-save rule text into argv words (double quotes group, as the shell would).
enum Tokens {
    static func split(_ text: String) throws -> [String] {
        var words: [String] = [], current = "", quoted = false, inWord = false
        for character in text {
            switch character {
            case "\"": quoted.toggle(); inWord = true
            case " " where !quoted:
                if inWord { words.append(current) }
                current = ""; inWord = false
            default: current.append(character); inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
