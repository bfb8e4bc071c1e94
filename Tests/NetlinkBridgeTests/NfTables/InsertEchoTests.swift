import Testing
import Reconciler
@testable import NetlinkBridge
import NetlinkBridgeTesting

/// Learning inserted rules' handles from the kernel's NLM_F_ECHO notifications, against a fake
/// kernel: matching by sequence number, lost echoes, and errors mapped as without echo.
struct InsertEchoTests {
    static func jump(_ chain: String, to target: String) -> NftRuleSpec {
        NftRuleSpec(table: "nat", chain: chain,
                    expressions: [.counter(CounterExpr()), .immediate(ImmediateExpr(verdict: .jump(target)))],
                    label: "-A \(chain) -j \(target)")
    }

    /// addRule first (its seq is shared with the NEWGEN the kernel sends), then a chain, a
    /// replace, a delete and two more inserts.
    static func mixedBatch() -> NftBatch {
        NftBatch(family: .ipv4, generation: 5, operations: [
            .addRule(jump("KUBE-SERVICES", to: "A"), .append),
            .addChain(table: "nat", chain: "KUBE-NEW"),
            .replaceRule(jump("KUBE-SERVICES", to: "B"), handle: 7),
            .deleteRule(table: "nat", chain: "KUBE-SERVICES", handle: 8, label: nil),
            .addRule(jump("KUBE-NEW", to: "A"), .first),
            .addRule(jump("KUBE-SERVICES", to: "C"), .before(handle: 9)),
        ])
    }

    /// The NEWRULE notification the kernel sends back for an echoed insert.
    static func echo(of request: NetlinkMessage, table: String = "nat", chain: String, handle: UInt64,
                     type: UInt16 = NftProtocol.subsystem | NftProtocol.Msg.newRule) -> NetlinkMessage {
        var w = AttributeWriter()
        w.putString(NftProtocol.RuleAttr.table, table)
        w.putString(NftProtocol.RuleAttr.chain, chain)
        w.putU64(NftProtocol.RuleAttr.handle, handle)
        return NetlinkMessage(type: type, flags: request.flags & (NetlinkMessage.create | NetlinkMessage.append),
                              seq: request.seq, portID: 4242, payload: NftProtocol.genmsg(family: 2) + w.bytes)
    }

    /// The chain an echoed request names.
    static func chain(of request: NetlinkMessage) throws -> String {
        try #require(NftProtocol.attributes(of: request).first(NftProtocol.RuleAttr.chain)?.string)
    }

    @Test func onlyInsertsAskForAnEcho() {
        let batch = Self.mixedBatch()
        let echoed = batch.messages(echoingInserts: true).map { $0.flags & NetlinkMessage.echo != 0 }
        #expect(echoed == [false, true, false, false, false, true, true, false])
        #expect(batch.messages() == batch.messages(echoingInserts: false))
        #expect(!batch.messages().contains { $0.flags & NetlinkMessage.echo != 0 })
    }

    @Test func echoesAreMatchedToTheirInsertsBySequence() throws {
        let fake = FakeExchange { sent in
            let echoes = try sent.enumerated().filter { $0.element.flags & NetlinkMessage.echo != 0 }
                .map { try Self.echo(of: $0.element, chain: Self.chain(of: $0.element), handle: UInt64(100 + $0.offset)) }
            // The kernel's NEWGEN carries the first operation's seq; a stray NEWRULE of another seq.
            let gen = NetlinkMessage(type: NftProtocol.subsystem | NftProtocol.Msg.newGen, flags: 0, seq: sent[1].seq,
                                     payload: NftProtocol.genmsg(family: 0) + [8, 0, 1, 0, 0, 0, 0, 42])
            let stray = Self.echo(of: NetlinkMessage(type: 0, flags: 0, seq: 9999), chain: "KUBE-SERVICES", handle: 1)
            // Echoes arrive in reverse order and across two datagrams, before the acks.
            let ack = NetlinkErrorReply(errno: 0, requestType: sent[2].type, requestSeq: sent[2].seq).encoded()
            return [[stray, echoes[2]], Array(echoes[0..<2].reversed()), [gen], [ack]]
        }
        let handles = try NftClient(exchange: fake).commit(Self.mixedBatch(), echo: true)
        #expect(handles == [0: 101, 4: 105, 5: 106])
    }

    @Test func aLostOrForeignEchoLeavesItsInsertOut() throws {
        let fake = FakeExchange { sent in
            // No echo for operation 0; operation 4's echo names another chain; operation 5's is a DELRULE.
            [[Self.echo(of: sent[5], chain: "KUBE-SERVICES", handle: 55),
              Self.echo(of: sent[6], chain: "KUBE-SERVICES", handle: 66,
                        type: NftProtocol.subsystem | NftProtocol.Msg.delRule)]]
        }
        #expect(try NftClient(exchange: fake).commit(Self.mixedBatch(), echo: true).isEmpty)
    }

    @Test func refusalIsMappedToTheOperationAsWithoutEcho() throws {
        let fake = FakeExchange { sent in
            [[NetlinkErrorReply(errno: 40, requestType: sent[5].type, requestSeq: sent[5].seq).encoded()]]
        }
        let batch = Self.mixedBatch()
        #expect(throws: NftError.rejected(operation: batch.operations[4], index: 4, errno: 40, message: nil)) {
            try NftClient(exchange: fake).commit(batch, echo: true)
        }
    }

    @Test func erestartIsGenerationChangedWithEcho() throws {
        let fake = FakeExchange { sent in
            [[NetlinkErrorReply(errno: 85, requestType: sent[0].type, requestSeq: sent[0].seq).encoded()]]
        }
        #expect(throws: NftError.generationChanged(planned: 5)) {
            try NftClient(exchange: fake).commit(Self.mixedBatch(), echo: true)
        }
    }

    @Test func withoutEchoNothingIsAskedOrLearned() throws {
        let fake = FakeExchange { sent in [[Self.echo(of: sent[1], chain: "KUBE-SERVICES", handle: 3)]] }
        #expect(try NftClient(exchange: fake).commit(Self.mixedBatch(), echo: false).isEmpty)
        #expect(!fake.sent[0].contains { $0.flags & NetlinkMessage.echo != 0 })
    }

    @Test func sendBatchHandsOtherRepliesWithTheirMessageIndex() throws {
        let fake = FakeExchange { sent in
            [[NetlinkMessage(type: 0x123, flags: 0, seq: sent[2].seq, payload: [1, 2, 3, 4]),
              NetlinkMessage(type: 0x123, flags: 0, seq: 7777),
              NetlinkErrorReply(errno: 0, requestType: sent[0].type, requestSeq: sent[0].seq).encoded()],
             [NetlinkErrorReply(errno: 2, requestType: sent[1].type, requestSeq: sent[1].seq).encoded()]]
        }
        let conn = NetlinkConnection(exchange: fake)
        var seen: [(Int, UInt16, [UInt8])] = []
        let replies = try conn.sendBatch(Array(repeating: NetlinkMessage(type: 0x10, flags: 0), count: 3)) {
            seen.append(($0, $1.type, Array($1.payload)))
        }
        #expect(seen.count == 1)
        #expect(seen.first?.0 == 2 && seen.first?.1 == 0x123 && seen.first?.2 == [1, 2, 3, 4])
        #expect(replies.errors.map(\.requestSeq) == [replies.seqs[1]])
        #expect(replies.overrun == nil)
    }

    @Test func planIndicesFollowCreateTableExpansion() throws {
        let rule = Rule(target: .jump("KUBE-SERVICES"))
        let plan = Plan(family: .ipv4, operations: [
            .createTable(table: .nat),
            .createChain(table: .nat, chain: "KUBE-SERVICES"),
            .insertRule(table: .nat, chain: "PREROUTING", rule: rule, placement: .append),
            .deleteRule(table: .nat, chain: "OUTPUT", handle: 4, rule: rule),
            .insertRule(table: .nat, chain: "OUTPUT", rule: rule, placement: .first),
        ])
        let (batch, first) = try PlanTranslator.batchWithIndex(plan)
        #expect(batch == (try PlanTranslator.batch(plan)))
        let tableOps = 1 + TableName.nat.builtinChains.count
        #expect(first == [0, tableOps, tableOps + 1, tableOps + 2, tableOps + 3])
        guard case .addRule(let spec, _) = batch.operations[first[2]] else { Issue.record("not an insert"); return }
        #expect(spec.chain == "PREROUTING")
        // Batch index 0 (addTable) is no insert: a handle for it is not a plan insert's.
        let learned: [Int: UInt64] = [0: 1, first[2]: 20, first[4]: 40]
        #expect(PlanTranslator.insertHandles(learned, plan: plan, firstOperation: first) == [2: 20, 4: 40])
    }
}
