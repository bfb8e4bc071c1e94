import Testing
@testable import NetlinkBridge

/// nf_tables notifications grouped into transactions (closed by NEWGEN), without a socket.
@Suite struct TransactionAssemblerTests {
    @Test func eventSocketGroupsNotificationsPerTransaction() throws {
        var socket = NftTransactionAssembler()
        func message(_ type: UInt16, family: UInt8 = 2, port: UInt32 = 77, _ build: (inout AttributeWriter) -> Void) -> NetlinkMessage {
            var w = AttributeWriter()
            build(&w)
            return NetlinkMessage(type: NftProtocol.subsystem | type, flags: 0, portID: port, payload: NftProtocol.genmsg(family: family) + w.bytes)
        }
        #expect(try socket.absorb(message(NftProtocol.Msg.newRule) { $0.putString(1, "nat"); $0.putString(2, "KUBE-SERVICES") }) == nil)
        #expect(try socket.absorb(message(NftProtocol.Msg.delChain, family: 1) { $0.putString(1, "cni"); $0.putString(3, "input") }) == nil)
        let t = try #require(try socket.absorb(message(NftProtocol.Msg.newGen) { $0.putU32(1, 42); $0.putU32(2, 1234); $0.putString(3, "iptables") }))
        #expect(t.generation == 42 && t.pid == 1234 && t.processName == "iptables" && t.portID == 77)
        #expect(t.changes == [NftChange(object: .rule, added: true, family: 2, table: "nat", chain: "KUBE-SERVICES"),
                              NftChange(object: .chain, added: false, family: 1, table: "cni", chain: "input")])
        #expect(t.touches(family: 2, table: "nat") && !t.touches(family: 2, table: "filter"))
    }
}
