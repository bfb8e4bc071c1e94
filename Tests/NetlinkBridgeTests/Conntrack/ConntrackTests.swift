import Testing
import Reconciler
@testable import NetlinkBridge

/// ctnetlink tuples -> flows: the reply source of a UDP flow is the endpoint it was DNATed to.
struct ConntrackTests {
    typealias A = ConntrackClient.Attr

    func tuple(v6: Bool, source: IPAddress, destination: IPAddress, proto: UInt8, sourcePort: UInt16) -> NetlinkAttribute {
        var w = AttributeWriter()
        w.nest(A.tupleIP) {
            $0.put(v6 ? A.ipV6Src : A.ipV4Src, source.bytes)
            $0.put(v6 ? A.ipV6Dst : A.ipV4Dst, destination.bytes)
        }
        w.nest(A.tupleProto) {
            $0.put(A.protoNum, [proto])
            $0.put(A.protoSrcPort, [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xff)])
            $0.put(A.protoDstPort, [0, 9])
        }
        return NetlinkAttribute(type: A.tupleReply, nested: true, value: w.bytes)
    }

    @Test func udpReplySourceIPv4AndIPv6() throws {
        let v4 = try #require(ConntrackClient.tuple(tuple(v6: false, source: IPAddress("10.244.1.11")!,
                                                          destination: IPAddress("10.0.0.9")!, proto: 17, sourcePort: 5353)))
        #expect(v4.source == IPAddress("10.244.1.11")! && v4.sourcePort == 5353)
        #expect(v4.proto == 17 && v4.destinationPort == 9)
        let v6 = try #require(ConntrackClient.tuple(tuple(v6: true, source: IPAddress("fd00:10::b")!,
                                                          destination: IPAddress("fd00:10::1")!, proto: 17, sourcePort: 53)))
        #expect(v6.source == IPAddress("fd00:10::b")! && v6.sourcePort == 53)
    }

    @Test func tcpTuplesKeepTheirProtocol() throws {
        let tcp = try #require(ConntrackClient.tuple(tuple(v6: false, source: IPAddress("10.0.0.1")!,
                                                           destination: IPAddress("10.0.0.2")!, proto: 6, sourcePort: 80)))
        #expect(tcp.proto == 6)
    }
}
