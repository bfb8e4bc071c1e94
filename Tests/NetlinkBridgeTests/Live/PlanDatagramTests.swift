import Foundation
import Testing
import Reconciler
@testable import NetlinkBridge
import NetlinkBridgeTesting

/// The datagram a plan is committed as: the `NftBatch` path against the bytes recorded from it.
struct PlanDatagramTests {
    @Test func referencePathMatchesTheRecordedDatagram() throws {
        let reference = try VariedPlan.referenceDatagram(try VariedPlan.plan(), echo: false)
        if ProcessInfo.processInfo.environment["KPX_RECORD_FIXTURES"] == "1" {
            let hex = ByteCoding.hex(reference)
            var lines = ["# VariedPlan.plan() committed through NftBatch (no echo, seqs from 7)"]
            var i = hex.startIndex
            while i < hex.endIndex {
                let j = hex.index(i, offsetBy: 128, limitedBy: hex.endIndex) ?? hex.endIndex
                lines.append(String(hex[i..<j])); i = j
            }
            try (lines.joined(separator: "\n") + "\n")
                .write(to: GoldenFile.directory.appendingPathComponent(VariedPlan.fixture), atomically: true, encoding: .utf8)
        }
        let recorded = try #require(try VariedPlan.recorded())
        #expect(reference == recorded)
    }
}

/// `PlanEncoder` + `NftClient.commit(_: inout EncodedPlan)`, the path the backend commits by,
/// against the `NftBatch` path: same bytes, same errors, same learned handles.
struct PlanEncoderTests {
    static func encoded(_ plan: Plan, echo: Bool, firstSeq: UInt32 = 7) throws -> [UInt8] {
        var encoded = try PlanEncoder.encode(plan, ipsets: try VariedPlan.ipsets(), echoingInserts: echo)
        encoded.datagram.number(firstSeq: firstSeq, orFlags: NetlinkMessage.request)
        return encoded.datagram.bytes
    }

    @Test(arguments: [false, true])
    func datagramIsByteIdenticalToTheBatchPath(echo: Bool) throws {
        let plan = try VariedPlan.plan()
        let ours = try Self.encoded(plan, echo: echo)
        #expect(ours == (try VariedPlan.referenceDatagram(plan, echo: echo)))
        if !echo { #expect(ours == (try #require(try VariedPlan.recorded()))) }
    }

    @Test func withoutGenerationAndEmpty() throws {
        let empty = Plan(family: .ipv4, operations: [], generation: nil)
        #expect(try Self.encoded(empty, echo: false) == (try VariedPlan.referenceDatagram(empty, echo: false)))
        let v6 = Plan(family: .ipv6, operations: [.createTable(table: .filter), .createChain(table: .filter, chain: "X")])
        #expect(try Self.encoded(v6, echo: true) == (try VariedPlan.referenceDatagram(v6, echo: true)))
    }

    @Test func largePlanSpansChunksAndStaysIdentical() throws {
        let base = try VariedPlan.plan()
        let ops = Array(repeating: base.operations.dropFirst(2), count: 120).joined()
        let plan = Plan(family: .ipv4, operations: Array(base.operations.prefix(2)) + ops, generation: 9)
        var encoded = try PlanEncoder.encode(plan, ipsets: try VariedPlan.ipsets())
        #expect(encoded.datagram.chunks.count > 1)
        #expect(encoded.datagram.chunks.allSatisfy { $0.count <= DatagramWriter.chunkCapacity })
        encoded.datagram.number(firstSeq: 7, orFlags: NetlinkMessage.request)
        #expect(encoded.datagram.bytes == (try VariedPlan.referenceDatagram(plan, echo: false)))
    }

    @Test func connectionSendsTheSameMessagesAsTheBatchPath() throws {
        let plan = try VariedPlan.plan()
        let old = FakeExchange { _ in [] }, new = FakeExchange { _ in [] }
        try NftClient(exchange: old, ipsets: try VariedPlan.ipsets()).commit(try PlanTranslator.batch(plan))
        var encoded = try PlanEncoder.encode(plan, ipsets: try VariedPlan.ipsets())
        #expect(try NftClient(exchange: new, ipsets: try VariedPlan.ipsets()).commit(&encoded).isEmpty)
        #expect(new.sent == old.sent && new.sent.count == 1)
    }

    /// Both paths committed against a fake kernel that refuses message `k` with `errno`.
    static func refusal(at k: Int, errno: Int32 = 22) throws -> (old: NftError, new: NftError) {
        func refusing() -> FakeExchange {
            FakeExchange { sent in [[NetlinkErrorReply(errno: errno, requestType: sent[k].type, requestSeq: sent[k].seq).encoded()]] }
        }
        let plan = try VariedPlan.plan()
        var old: NftError?, new: NftError?
        do { try NftClient(exchange: refusing(), ipsets: try VariedPlan.ipsets()).commit(try PlanTranslator.batch(plan)) }
        catch let e as NftError { old = e }
        var encoded = try PlanEncoder.encode(plan, ipsets: try VariedPlan.ipsets())
        do { _ = try NftClient(exchange: refusing(), ipsets: try VariedPlan.ipsets()).commit(&encoded) }
        catch let e as NftError { new = e }
        return (try #require(old), try #require(new))
    }

    @Test(arguments: [1, 2, 5, 9, 12, 40, 77])
    func refusalNamesTheSameOperation(message k: Int) throws {
        let (old, new) = try Self.refusal(at: k)
        #expect(new.description == old.description)
        guard case .rejected(let op, let index, 22, nil) = new else { Issue.record("\(new)"); return }
        #expect(index == k - 1 && op != nil)
    }

    @Test func refusalOfTheLastOperationAndOfTheBatch() throws {
        let count = try PlanTranslator.batch(try VariedPlan.plan()).operations.count
        let last = try Self.refusal(at: count)
        #expect(last.new == last.old)
        let restart = try Self.refusal(at: 0, errno: 85)
        #expect(restart.new == .generationChanged(planned: 41) && restart.old == restart.new)
        let end = try Self.refusal(at: count + 1, errno: 12)
        #expect(end.new == end.old)
    }

    @Test func missingIpsetIsRefusedLikeTheBatchPath() throws {
        let plan = try VariedPlan.plan()
        let names = try VariedPlan.ipsets().names.filter { $0.value != "kpx-dst" }
        var old: NftError?, new: NftError?
        do { _ = try PlanTranslator.batch(plan).bindingIpsets(IpsetTable(names)) } catch let e as NftError { old = e }
        do { _ = try PlanEncoder.encode(plan, ipsets: IpsetTable(names)) } catch let e as NftError { new = e }
        #expect(new != nil && new == old)
        #expect(throws: NftError.self) { try PlanEncoder.encode(plan, ipsets: nil) }
    }

    @Test func echoedHandlesAreKeyedByPlanIndex() throws {
        let plan = try VariedPlan.plan()
        func echoing() -> FakeExchange {
            FakeExchange { sent in
                [sent.enumerated().compactMap { i, m -> NetlinkMessage? in
                    guard m.flags & NetlinkMessage.echo != 0, let chain = try? InsertEchoTests.chain(of: m),
                          let table = try? NftProtocol.attributes(of: m).first(NftProtocol.RuleAttr.table)?.string
                    else { return nil }
                    return InsertEchoTests.echo(of: m, table: table, chain: chain, handle: UInt64(1000 + i))
                }]
            }
        }
        let (batch, first) = try PlanTranslator.batchWithIndex(plan)
        let learned = try NftClient(exchange: echoing(), ipsets: try VariedPlan.ipsets()).commit(batch, echo: true)
        let expected = PlanTranslator.insertHandles(learned, plan: plan, firstOperation: first)
        var encoded = try PlanEncoder.encode(plan, ipsets: try VariedPlan.ipsets(), echoingInserts: true)
        let handles = try NftClient(exchange: echoing(), ipsets: try VariedPlan.ipsets()).commit(&encoded)
        #expect(!handles.isEmpty && handles == expected)
        #expect(handles.count == plan.operations.filter { if case .insertRule = $0 { return true }; return false }.count)
    }
}
