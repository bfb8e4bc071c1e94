import Testing
@testable import NetlinkBridge
import NetlinkBridgeTesting

struct BatchTests {
    static func sampleBatch() -> NftBatch {
        let rule = NftRuleSpec(table: "nat", chain: "KUBE-SVC-X",
                               expressions: [.counter(CounterExpr()), .immediate(ImmediateExpr(verdict: .jump("KUBE-SVC-X")))],
                               label: "-A KUBE-SVC-X -j KUBE-SVC-X")
        return NftBatch(family: .ipv4, generation: 77, operations: [
            .addChain(table: "nat", chain: "KUBE-SVC-X"),
            .addRule(rule, .append),
            .deleteRule(table: "nat", chain: "KUBE-SERVICES", handle: 12, label: nil),
        ])
    }

    @Test func batchIsFramedWithGenIDBigEndian() throws {
        let msgs = Self.sampleBatch().messages()
        #expect(msgs.count == 5)
        #expect(msgs.first?.type == 0x10 && msgs.last?.type == 0x11)
        // nfgenmsg: AF_UNSPEC, v0, res_id = NFNL_SUBSYS_NFTABLES big-endian
        #expect(Array(msgs[0].payload[0..<4]) == [0, 0, 0, 10])
        let attrs = try NetlinkAttribute.parse(Array(msgs[0].payload[4...]))
        #expect(attrs.first(1)?.value == [0, 0, 0, 77])
        #expect(msgs[1].type == 0xa03 && msgs[1].flags == NetlinkMessage.excl)
        #expect(msgs[2].flags == NetlinkMessage.create | NetlinkMessage.append)
        #expect(msgs[3].type == 0xa08)
    }

    @Test func placementSetsPositionAndFlags() throws {
        let spec = NftRuleSpec(table: "nat", chain: "C", expressions: [])
        func decode(_ p: RulePlacement) throws -> (UInt16, UInt64?) {
            let m = NftBatch.ruleMessage(spec, placement: p, family: 2)
            return (m.flags, try NftProtocol.attributes(of: m).first(NftProtocol.RuleAttr.position)?.u64)
        }
        #expect(try decode(.first) == (NetlinkMessage.create, nil))
        #expect(try decode(.after(handle: 9)) == (NetlinkMessage.create | NetlinkMessage.append, 9))
        #expect(try decode(.before(handle: 9)) == (NetlinkMessage.create, 9))
    }

    @Test func kernelRefusalIsMappedToTheOperation() throws {
        let fake = FakeExchange { sent in
            // The kernel answers the NEWRULE (3rd message of the datagram) with ELOOP.
            [[NetlinkErrorReply(errno: 40, requestType: sent[2].type, requestSeq: sent[2].seq).encoded()]]
        }
        let client = NftClient(exchange: fake)
        let batch = Self.sampleBatch()
        #expect(throws: NftError.rejected(operation: batch.operations[1], index: 1, errno: 40, message: nil)) {
            try client.commit(batch)
        }
    }

    @Test func erestartOnBatchBeginIsGenerationChanged() throws {
        let fake = FakeExchange { sent in
            [[NetlinkErrorReply(errno: 85, requestType: sent[0].type, requestSeq: sent[0].seq).encoded()]]
        }
        #expect(throws: NftError.generationChanged(planned: 77)) {
            try NftClient(exchange: fake).commit(Self.sampleBatch())
        }
    }

    @Test func silentBatchIsSuccess() throws {
        let fake = FakeExchange { _ in [] }
        try NftClient(exchange: fake).commit(Self.sampleBatch())
        #expect(fake.sent.count == 1 && fake.sent[0].count == 5)
        let seqs = fake.sent[0].map(\.seq)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $1 == $0 + 1 })
    }

    @Test func batchPrintsAsPlan() {
        let text = Self.sampleBatch().description
        #expect(text.contains("add chain nat KUBE-SVC-X"))
        #expect(text.contains("delete rule nat KUBE-SERVICES handle 12"))
    }
}
