import Foundation
import Testing
@testable import Reconciler

/// Issue 5 "converge from the real dumps with Docker/Calico/flannel rules": each dump in
/// Tests/Fixtures/real-dumps is loaded into a fresh namespace (ipsets and nfacct objects created
/// first, as on the node), then kpx-reconcile takes the node over for examples/cluster.yaml.
/// The dump's own KUBE chains are for another cluster, so they are rewritten or removed; every
/// other line of iptables-save (all tables, foreign chains, foreign rules in built-in chains)
/// survives byte for byte.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct ForeignRulesTests {
    static let dumps = (try? Fixtures.files(in: "real-dumps", suffix: ".iptables")) ?? []
    static let cluster = Repo.path("examples/cluster.yaml")

    /// Loads a dump with iptables-restore as the node's tools wrote it (the file's own bytes);
    /// dump 06, which is not valid restore input as-is (CR-separated lines), is loaded from its
    /// canonical rendering as RendererOracleTests does.
    static func load(_ path: String, into namespace: NetworkNamespace) throws -> IPFamily {
        let family: IPFamily = path.contains("ip6tables") ? .ipv6 : .ipv4
        let text = try Fixtures.text(path)
        let ruleset = try RestoreParser.ruleset(text, family: family).canonicallyOrdered()
        try KernelObjects.create(for: ruleset, in: namespace)
        let tool = family == .ipv6 ? "ip6tables-restore" : "iptables-restore"
        if try namespace.run([tool], stdin: text).status != 0 {
            try namespace.check([tool], stdin: SaveRenderer.render(ruleset))
        }
        return family
    }

    static func flags(for family: IPFamily) throws -> NodeFlags {
        if family == .ipv4 { return try NodeFlags.example() }
        return try NodeFlags(["--hostname-override", "test-node", "--node-ip", "2001:db8::1",
                              "--cluster-cidr", "fd00:10::/64", "--ip-family", "ipv6"])
    }

    @Test(arguments: dumps)
    func foreignRulesSurviveTakeover(path: String) throws {
        let namespace = try NetworkNamespace()
        let family = try Self.load(path, into: namespace)
        let flags = try Self.flags(for: family)
        let desired = try flags.desired([Self.cluster])
        let before = try namespace.save(family.rawValue)
        #expect(LiveState.foreignLines(before).count > 10, "\(path): too few foreign lines to prove anything")
        let otherFamily: IPFamily = family == .ipv4 ? .ipv6 : .ipv4
        let otherBefore = try namespace.save(otherFamily.rawValue)
        let result = try Kpx.reconcile(namespace, [Self.cluster], flags, ["--verify"])
        #expect(result.status == 0, "\(path): \(result.stdout)\(result.stderr)")
        let kept = Self.staleButReferenced(try RestoreParser.ruleset(before, family: family), desired: desired)
        for (table, chain) in kept.tables.flatMap({ t in t.chains.map { (t.name, $0.name) } }) {
            #expect(result.stdout.contains("warning: stale chain \(table.rawValue)/\(chain) is still referenced"), "\(path)")
        }
        var expected = desired
        for table in kept.tables { for chain in table.chains { expected[table: table.name]?[chain: chain.name] = chain } }
        try Converged.expect(namespace, equals: expected, foreignBefore: before, path)
        #expect(try namespace.save(otherFamily.rawValue) == otherBefore, "\(path): the other family changed")
        try Converged.expectIdle(namespace, [Self.cluster], flags, path)
    }

    /// Stale per-service chains that a rule we do not own still jumps to (dump 07: an old
    /// kube-proxy's KUBE-XLB-* chain jumps to a KUBE-SEP-* chain). They must stay, unchanged.
    static func staleButReferenced(_ live: Ruleset, desired: Ruleset) -> Ruleset {
        var out = Ruleset(family: live.family)
        for table in live.tables where table.name == .filter || table.name == .nat {
            let wanted = Set(desired[table: table.name]?.chains.map(\.name) ?? [])
            let stale = Set(table.chains.map(\.name).filter { Ownership.isServiceChain($0) && !wanted.contains($0) })
            let referenced = table.chains.filter { !Ownership.owns(chain: $0.name, in: table.name) }
                .flatMap(\.rules).compactMap(\.targetChain).filter(stale.contains)
            let chains = table.chains.filter { referenced.contains($0.name) }
            if !chains.isEmpty { out.tables.append(Table(name: table.name, chains: chains)) }
        }
        return out
    }

    /// A foreign rule we cannot decode (`-m length`, kept opaque) that jumps to a stale service
    /// chain: the chain stays (with a warning), nothing else changes, and reconciling still works.
    /// Regression: the planner did not see the opaque rule's jump, deleted the chain, and the
    /// kernel refused every transaction with EBUSY.
    @Test func staleChainReferencedByOpaqueForeignRuleIsKept() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        var desired = try flags.desired([Self.cluster])
        try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        let stale = "KUBE-SVC-STALESTALESTALE1"
        for argv in [["-N", stale], ["-A", stale, "-j", "RETURN"], ["-N", "ADMIN"],
                     ["-A", "ADMIN", "-m", "length", "--length", "100", "-j", stale]] {
            try namespace.check(["iptables", "-t", "nat"] + argv)
        }
        let before = try namespace.save()
        let result = try Kpx.reconcile(namespace, [Self.cluster], flags)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("warning: stale chain nat/\(stale) is still referenced"), "\(result.stdout)")
        desired[table: .nat]![chain: stale] = Chain(name: stale, rules: [Rule(target: .return)])
        try Converged.expect(namespace, equals: desired, foreignBefore: before, "opaque reference")
        try Converged.expectIdle(namespace, [Self.cluster], flags, "opaque reference")
    }
}
