import Testing
import Reconciler
@testable import NetlinkBridge
import NetlinkBridgeTesting

/// The handles learned from the kernel's echoes of a commit equal the ones a fresh dump reports.
@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveInsertEchoTests {
    static let base = """
    *nat
    :PREROUTING ACCEPT [0:0]
    :KUBE-SERVICES - [0:0]
    :A - [0:0]
    :B - [0:0]
    :C - [0:0]
    :D - [0:0]
    :E - [0:0]
    :F - [0:0]
    :G - [0:0]
    -A PREROUTING -j KUBE-SERVICES
    -A KUBE-SERVICES -j A
    -A KUBE-SERVICES -j B
    -A KUBE-SERVICES -j C
    COMMIT

    """

    static func jump(_ target: String) -> Rule { Rule(target: .jump(target)) }

    /// Handles of one chain by jump target, read fresh (targets are unique per chain here).
    static func handles(_ backend: NetlinkBackend, _ chain: String) throws -> [String: UInt64] {
        let read = try backend.observe(family: .ipv4, chains: [ChainRef(.nat, chain)])
        let (rules, handles) = try #require(read[ChainRef(.nat, chain)] ?? nil)
        var out: [String: UInt64] = [:]
        for (rule, handle) in zip(rules, handles) {
            guard case .jump(let target) = rule.target else { continue }
            out[target] = handle
        }
        return out
    }

    @Test func insertsLearnTheHandlesADumpReports() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let backend = try NetlinkBackend(netns: ns.name)
        let before = try Self.handles(backend, "KUBE-SERVICES")
        let (a, b, c) = (try #require(before["A"]), try #require(before["B"]), try #require(before["C"]))
        let plan = Plan(family: .ipv4, operations: [
            .insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.jump("D"), placement: .append),
            .insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.jump("E"), placement: .first),
            .insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.jump("F"), placement: .before(handle: c)),
            .createChain(table: .nat, chain: "KUBE-NEW"),
            .insertRule(table: .nat, chain: "KUBE-NEW", rule: Self.jump("A"), placement: .append),
            .replaceRule(table: .nat, chain: "KUBE-SERVICES", handle: a, old: Self.jump("A"), new: Self.jump("G")),
            .deleteRule(table: .nat, chain: "KUBE-SERVICES", handle: b, rule: Self.jump("B")),
            .insertRule(table: .nat, chain: "KUBE-NEW", rule: Self.jump("C"), placement: .first),
        ], generation: try backend.generation())
        let learned = try backend.commitLearningHandles(plan)

        let services = try Self.handles(backend, "KUBE-SERVICES"), fresh = try Self.handles(backend, "KUBE-NEW")
        #expect(services == ["E": try #require(learned[1]), "G": a, "F": try #require(learned[2]), "C": c,
                             "D": try #require(learned[0])])
        #expect(fresh == ["C": try #require(learned[7]), "A": try #require(learned[4])])
        #expect(learned.count == 5, "only inserts are keyed: \(learned)")
        let saved: String = try ns.exec(["iptables-save", "-t", "nat"])
        #expect(saved.contains("-A KUBE-SERVICES -j E\n-A KUBE-SERVICES -j G\n-A KUBE-SERVICES -j F\n-A KUBE-SERVICES -j C\n-A KUBE-SERVICES -j D\n"))
    }

    @Test func insertsIntoACreatedTableAreKeyedByPlanIndex() throws {
        let ns = try TestNetns()
        let backend = try NetlinkBackend(netns: ns.name)
        let plan = Plan(family: .ipv4, operations: [
            .createTable(table: .nat),
            .createChain(table: .nat, chain: "KUBE-SERVICES"),
            .createChain(table: .nat, chain: "KUBE-X"),
            .insertRule(table: .nat, chain: "PREROUTING", rule: Self.jump("KUBE-SERVICES"), placement: .append),
            .insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.jump("KUBE-X"), placement: .append),
            .insertRule(table: .nat, chain: "OUTPUT", rule: Self.jump("KUBE-SERVICES"), placement: .first),
        ], generation: try backend.generation())
        let learned = try backend.commitLearningHandles(plan)
        #expect(learned == [3: try #require(Self.handles(backend, "PREROUTING")["KUBE-SERVICES"]),
                            4: try #require(Self.handles(backend, "KUBE-SERVICES")["KUBE-X"]),
                            5: try #require(Self.handles(backend, "OUTPUT")["KUBE-SERVICES"])])
    }

    @Test func rejectedPlanStillThrowsAndAppliesNothing() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let backend = try NetlinkBackend(netns: ns.name)
        let plan = Plan(family: .ipv4, operations: [
            .insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.jump("D"), placement: .append),
            .insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.jump("NO-SUCH-CHAIN"), placement: .append),
        ], generation: try backend.generation())
        #expect(throws: BackendError.self) { try backend.commitLearningHandles(plan) }
        #expect(try Self.handles(backend, "KUBE-SERVICES").keys.sorted() == ["A", "B", "C"])
        var stale = plan
        stale.operations.removeLast()
        _ = try ns.exec(["iptables", "-t", "nat", "-N", "SOMEONE-ELSE"]) as String
        #expect(throws: BackendError.generationChanged(planned: plan.generation)) {
            try backend.commitLearningHandles(stale)
        }
    }

    /// A receive buffer too small for every echo: the commit still succeeds, and the echoes that
    /// did arrive give right handles (the others are simply absent).
    @Test func lostEchoesAreAbsentNeverWrong() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let client = NftClient(exchange: try NetlinkSocket(netns: ns.name, bufferSize: 16 << 10))
        let count = 150  // the batch must fit the small send buffer too
        let batch = NftBatch(family: .ipv4, operations: (0..<count).map { _ in
            .addRule(InsertEchoTests.jump("KUBE-SERVICES", to: "A"), .append)
        })
        let learned = try client.commit(batch, echo: true)
        let dumped = try NftClient(netns: ns.name).rules(family: .ipv4, table: "nat", chain: "KUBE-SERVICES").map(\.handle)
        #expect(dumped.count == count + 3)
        #expect(!learned.isEmpty && learned.count < count, "expected an overrun: learned \(learned.count) of \(count)")
        for (op, handle) in learned { #expect(dumped[3 + op] == handle, "operation \(op)") }
    }
}
