import Testing
@testable import NetlinkBridge
import NetlinkBridgeTesting

struct WireTests {
    @Test func attributesRoundTripWithPaddingAndNests() throws {
        var w = AttributeWriter()
        w.putString(1, "nat")
        w.nest(4) { $0.putU32(1, 0xdeadbeef); $0.put(2, [1, 2, 3]) }
        #expect(w.bytes.count % 4 == 0)
        let attrs = try NetlinkAttribute.parse(w.bytes)
        #expect(attrs.count == 2)
        #expect(attrs[0].string == "nat" && attrs[0].value == Array("nat".utf8) + [0])
        #expect(attrs[1].nested)
        let inner = try attrs[1].children()
        #expect(inner.first(1)?.u32 == 0xdeadbeef)
        #expect(inner.first(2)?.value == [1, 2, 3])
    }

    @Test func truncatedAttributeIsMalformed() {
        #expect(throws: NetlinkError.self) { try NetlinkAttribute.parse([8, 0, 1, 0, 0]) }
    }

    @Test func messagesRoundTripThroughOneDatagram() throws {
        let a = NetlinkMessage(type: 0xa06, flags: 5, seq: 7, portID: 9, payload: [1, 2, 3, 4, 5])
        let b = NetlinkMessage(type: NetlinkMessage.done, flags: 2, seq: 8, payload: [0, 0, 0, 0])
        let parsed = try NetlinkMessage.parseAll(a.encoded() + b.encoded())
        #expect(parsed == [a, b])
    }

    @Test func errorReplyCarriesErrnoAndRequestSeq() throws {
        let reply = NetlinkErrorReply(errno: 2, requestType: 0xa06, requestSeq: 41).encoded()
        let parsed = try #require(NetlinkErrorReply(reply))
        #expect(parsed.errno == 2 && parsed.requestSeq == 41 && parsed.requestType == 0xa06)
    }

    @Test func interruptedDumpIsDrainedAndRedone() throws {
        var attempt = 0
        let fake = FakeExchange { sent in
            attempt += 1
            let seq = sent[0].seq
            let flags: UInt16 = attempt == 1 ? NetlinkMessage.multi | NetlinkMessage.dumpInterrupted : NetlinkMessage.multi
            let row = NetlinkMessage(type: 0xa00, flags: flags, seq: seq, payload: [2, 0, 0, 0])
            let done = NetlinkMessage(type: NetlinkMessage.done, flags: flags, seq: seq, payload: [0, 0, 0, 0])
            return [[row, row], [done]]
        }
        let conn = NetlinkConnection(exchange: fake)
        let rows = try conn.dump(NetlinkMessage(type: 0xa01, flags: 0), operation: "test dump")
        #expect(rows.count == 2)
        #expect(conn.redumps == 1)
        #expect(fake.sent.count == 2)
        #expect(fake.sent[0][0].flags & NetlinkMessage.dump == NetlinkMessage.dump)
    }

    @Test func dumpThatNeverSettlesFails() throws {
        let fake = FakeExchange { sent in
            [[NetlinkMessage(type: NetlinkMessage.done, flags: NetlinkMessage.dumpInterrupted, seq: sent[0].seq,
                             payload: [0, 0, 0, 0])]]
        }
        let conn = NetlinkConnection(exchange: fake)
        conn.dumpAttempts = 3
        #expect(throws: NetlinkError.dumpInterrupted(operation: "d", attempts: 3)) {
            try conn.dump(NetlinkMessage(type: 0xa01, flags: 0), operation: "d")
        }
    }

    @Test func dumpErrorIsReportedWithOperation() throws {
        let fake = FakeExchange { sent in
            [[NetlinkErrorReply(errno: 2, requestType: sent[0].type, requestSeq: sent[0].seq).encoded()]]
        }
        let conn = NetlinkConnection(exchange: fake)
        #expect(throws: NetlinkError.kernel(operation: "list rules", errno: 2, message: nil)) {
            try conn.dump(NetlinkMessage(type: 0xa07, flags: 0), operation: "list rules")
        }
    }

    @Test func sequenceNumbersIncreaseAndRepliesOfOtherSeqsAreIgnored() throws {
        let fake = FakeExchange { sent in
            let stale = NetlinkMessage(type: 0xa0f, flags: 0, seq: 999, payload: [0, 0, 0, 0])
            return [[stale], [NetlinkErrorReply(errno: 0, requestType: sent[0].type, requestSeq: sent[0].seq).encoded()]]
        }
        let conn = NetlinkConnection(exchange: fake)
        #expect(try conn.request(NetlinkMessage(type: 0xa10, flags: 0), operation: "r").isEmpty)
        _ = try conn.request(NetlinkMessage(type: 0xa10, flags: 0), operation: "r")
        #expect(fake.sent[1][0].seq == fake.sent[0][0].seq + 1)
    }
}
