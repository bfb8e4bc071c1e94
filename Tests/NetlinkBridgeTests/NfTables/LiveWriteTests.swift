import Testing
@testable import NetlinkBridge
import NetlinkBridgeTesting

@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveWriteTests {
    static let base = """
    *nat
    :PREROUTING ACCEPT [0:0]
    :KUBE-SERVICES - [0:0]
    -A PREROUTING -j KUBE-SERVICES
    COMMIT

    """

    static func jump(_ chain: String, to target: String) -> NftRuleSpec {
        NftRuleSpec(table: "nat", chain: chain,
                    expressions: [.counter(CounterExpr()), .immediate(ImmediateExpr(verdict: .jump(target)))],
                    label: "-A \(chain) -j \(target)")
    }

    @Test func rejectedBatchChangesNothingAndNamesTheRule() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let before: String = try ns.exec(["iptables-save", "-t", "nat"])
        let client = try NftClient(netns: ns.name)
        let bad = Self.jump("NO-SUCH-CHAIN", to: "KUBE-SERVICES")
        let batch = NftBatch(family: .ipv4, operations: [
            .addChain(table: "nat", chain: "KUBE-SVC-NEW"),
            .addRule(Self.jump("KUBE-SERVICES", to: "KUBE-SVC-NEW"), .append),
            .addRule(bad, .append),
        ])
        #expect(throws: NftError.rejected(operation: .addRule(bad, .append), index: 2, errno: 2, message: nil)) {
            try client.commit(batch)
        }
        let after: String = try ns.exec(["iptables-save", "-t", "nat"])
        #expect(Self.strip(after) == Self.strip(before))
    }

    @Test func loopIsRefused() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let client = try NftClient(netns: ns.name)
        let loop = Self.jump("KUBE-SERVICES", to: "KUBE-SERVICES")
        do {
            try client.commit(NftBatch(family: .ipv4, operations: [.addRule(loop, .append)]))
            Issue.record("a self-jump was accepted")
        } catch let e as NftError {
            guard case .rejected(_, _, let errno, _) = e else { Issue.record("unexpected \(e)"); return }
            #expect(errno == 40 || errno == 31)  // ELOOP on older kernels, EMLINK on 6.18
            print("self-jump refusal: \(e)")
        }
    }

    @Test func concurrentChangeGivesGenerationChanged() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let client = try NftClient(netns: ns.name)
        let gen = try client.generation()
        _ = try ns.exec(["iptables", "-t", "nat", "-N", "SOMEONE-ELSE"]) as String
        let batch = NftBatch(family: .ipv4, generation: gen, operations: [.addChain(table: "nat", chain: "KUBE-SVC-NEW")])
        #expect(throws: NftError.generationChanged(planned: gen)) { try client.commit(batch) }
        let chains = try client.chains(family: .ipv4, table: "nat").map(\.name)
        #expect(!chains.contains("KUBE-SVC-NEW"))
        // Replanned against the new generation it goes through.
        try client.commit(NftBatch(family: .ipv4, generation: try client.generation(),
                                   operations: [.addChain(table: "nat", chain: "KUBE-SVC-NEW")]))
        #expect(try client.chains(family: .ipv4, table: "nat").map(\.name).contains("KUBE-SVC-NEW"))
    }

    @Test func insertPositionsAndDeleteByHandle() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let client = try NftClient(netns: ns.name)
        try client.commit(NftBatch(family: .ipv4, operations: [
            .addChain(table: "nat", chain: "A"), .addChain(table: "nat", chain: "B"), .addChain(table: "nat", chain: "C"),
            .addRule(Self.jump("KUBE-SERVICES", to: "B"), .append),
        ]))
        let h = try client.rules(family: .ipv4, table: "nat", chain: "KUBE-SERVICES")[0].handle
        try client.commit(NftBatch(family: .ipv4, operations: [
            .addRule(Self.jump("KUBE-SERVICES", to: "A"), .before(handle: h)),
            .addRule(Self.jump("KUBE-SERVICES", to: "C"), .after(handle: h)),
        ]))
        let targets = try client.rules(family: .ipv4, table: "nat", chain: "KUBE-SERVICES").map { r -> String in
            if case .immediate(let i) = r.expressions.last, case .verdict(let v) = i.data { return v.chain ?? "" }
            return "?"
        }
        #expect(targets == ["A", "B", "C"])
        try client.commit(NftBatch(family: .ipv4, operations: [
            .deleteRule(table: "nat", chain: "KUBE-SERVICES", handle: h, label: nil),
            .flushChain(table: "nat", chain: "PREROUTING"),
        ]))
        #expect(try client.rules(family: .ipv4, table: "nat", chain: "KUBE-SERVICES").count == 2)
        #expect(try client.rules(family: .ipv4, table: "nat", chain: "PREROUTING").isEmpty)
        let saved: String = try ns.exec(["iptables-save", "-t", "nat"])
        #expect(saved.contains("-A KUBE-SERVICES -j A\n-A KUBE-SERVICES -j C\n"))
    }

    static func strip(_ save: String) -> String {
        save.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }

    @Test func replaceRuleKeepsItsPosition() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        let client = try NftClient(netns: ns.name)
        try client.commit(NftBatch(family: .ipv4, operations: [
            .addChain(table: "nat", chain: "A"), .addChain(table: "nat", chain: "B"),
            .addRule(Self.jump("KUBE-SERVICES", to: "A"), .append), .addRule(Self.jump("KUBE-SERVICES", to: "A"), .append),
        ]))
        let handles = try client.rules(family: .ipv4, table: "nat", chain: "KUBE-SERVICES").map(\.handle)
        try client.commit(NftBatch(family: .ipv4, operations: [.replaceRule(Self.jump("KUBE-SERVICES", to: "B"), handle: handles[0])]))
        let saved: String = try ns.exec(["iptables-save", "-t", "nat"])
        #expect(saved.contains("-A KUBE-SERVICES -j B\n-A KUBE-SERVICES -j A\n"))
    }
}
