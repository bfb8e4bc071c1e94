import Testing
import Reconciler
@testable import NetlinkBridge

/// ctnetlink reply tuples -> the endpoint a UDP flow was DNATed to.
struct ConntrackTests {
    func tuple(ipType: UInt16, source: [UInt8], proto: UInt8, port: UInt16) -> NetlinkAttribute {
        var w = AttributeWriter()
        w.nest(Conntrack.tupleIP) { $0.put(ipType, source) }
        w.nest(Conntrack.tupleProto) {
            $0.put(Conntrack.protoNumber, [proto])
            $0.put(Conntrack.protoSourcePort, [UInt8(port >> 8), UInt8(port & 0xff)])
        }
        return NetlinkAttribute(type: Conntrack.tupleReply, nested: true, value: w.bytes)
    }

    @Test func udpReplySourceIPv4AndIPv6() throws {
        let v4 = tuple(ipType: 1, source: [10, 244, 1, 11], proto: 17, port: 5353)
        #expect(try Conntrack.replySource(v4, family: .ipv4) == UDPEndpoint(address: IPAddress("10.244.1.11")!, port: 5353))
        let v6bytes = IPAddress("fd00:10::b")!.bytes
        let v6 = tuple(ipType: 3, source: v6bytes, proto: 17, port: 53)
        #expect(try Conntrack.replySource(v6, family: .ipv6) == UDPEndpoint(address: IPAddress("fd00:10::b")!, port: 53))
    }

    @Test func tcpAndOtherFamiliesAreIgnored() throws {
        #expect(try Conntrack.replySource(tuple(ipType: 1, source: [10, 0, 0, 1], proto: 6, port: 80), family: .ipv4) == nil)
        #expect(try Conntrack.replySource(tuple(ipType: 1, source: [10, 0, 0, 1], proto: 17, port: 53), family: .ipv6) == nil)
    }
}
