import Testing
import Reconciler
@testable import NetlinkBridge
import NetlinkBridgeTesting

/// `-m set` (xt_set rev 4, what iptables-nft 1.8.9 writes) without root: decoding needs the
/// namespace's index -> name table, encoding leaves the index unbound until commit.
struct SetMatchCodecTests {
    static let names: [UInt16: String] = [0: "kpx-src", 3: "kpx-netport"]

    /// A rev 4 blob: index, dim, flags, then the optional counter/flag fields.
    static func blob(index: UInt16, dim: UInt8, flags: UInt8, word: UInt32 = 0, packetsOp: UInt8 = 0) -> XtExpr {
        var b = InfoBlob(size: 48)
        b.setU16(0, index); b.setU8(2, dim); b.setU8(3, flags); b.setU8(16, packetsOp); b.setU32(40, word)
        return XtExpr(name: "set", revision: 4, info: b.bytes)
    }

    static func decode(_ x: XtExpr, names: [UInt16: String] = names) -> Rule {
        let exprs: [RawExpression] = [.match(x), .counter(CounterExpr()), .immediate(ImmediateExpr(verdict: .accept))]
        return RuleDecoder.decode(NftRule(table: "filter", chain: "INPUT", expressions: exprs), family: .ipv4,
                                  ipsetNames: names)
    }

    @Test func directionsNegationAndReturnNomatchDecode() throws {
        // dim 2, flags: inv (1) | dim 1 src (2); dim 2 dst.
        let rule = Self.decode(Self.blob(index: 3, dim: 2, flags: 0b011, word: 0x80))
        #expect(rule.matches == [.set(SetMatch(setName: "kpx-netport", directions: [true, false], negated: true,
                                               returnNoMatch: true))])
        #expect(SaveRenderer.line(chain: "INPUT", rule: rule, family: .ipv4)
                == "-A INPUT -m set ! --match-set kpx-netport src,dst --return-nomatch -j ACCEPT")
    }

    @Test func unknownIndexCounterOptionsAndStrayFlagsStayOpaque() throws {
        #expect(Self.decode(Self.blob(index: 7, dim: 1, flags: 2)).opaque?.reason.contains("ipset index 7") == true)
        #expect(Self.decode(Self.blob(index: 0, dim: 1, flags: 2, packetsOp: 1)).opaque != nil)  // --packets-eq
        #expect(Self.decode(Self.blob(index: 0, dim: 1, flags: 2, word: 8)).opaque != nil)       // ! --update-counters
        #expect(Self.decode(Self.blob(index: 0, dim: 1, flags: 0b1000)).opaque != nil)           // src bit beyond dim
        #expect(Self.decode(Self.blob(index: 0, dim: 0, flags: 0)).opaque != nil)
    }

    @Test func olderRevisionsDecode() throws {
        // rev 1/2: xt_set_info padded to 8 bytes; rev 2 keeps return-nomatch in the info flags.
        let v2 = XtExpr(name: "set", revision: 2, info: [0, 0, 1, 0x80 | 2, 0, 0, 0, 0])
        #expect(Self.decode(v2).matches == [.set(SetMatch(setName: "kpx-src", directions: [true], returnNoMatch: true))])
        let v1 = XtExpr(name: "set", revision: 1, info: [0, 0, 1, 0x80, 0, 0, 0, 0])
        #expect(Self.decode(v1).opaque != nil)
    }

    @Test func encoderLeavesTheIndexUnboundUntilCommit() throws {
        let rule = Rule(matches: [.set(SetMatch(setName: "kpx-netport", directions: [false, false]))], target: .drop)
        let spec = try RuleEncoder.spec(rule, table: "filter", chain: "INPUT", family: .ipv4)
        #expect(spec.ipsets == [IpsetBinding(expression: 0, setName: "kpx-netport")])
        guard case .match(let unbound) = spec.expressions[0] else { Issue.record("no match"); return }
        #expect(unbound.info[0..<4] == [0xff, 0xff, 2, 0])
        let bound = try spec.bindingIpsets(IpsetTable(Self.names), family: .ipv4)
        guard case .match(let x) = bound.expressions[0] else { Issue.record("no match"); return }
        #expect(x == Self.blob(index: 3, dim: 2, flags: 0) && bound.ipsets.isEmpty)
        #expect(throws: RuleEncoder.Failure.self) { try RuleEncoder.expressions(rule, family: .ipv4) }
    }

    @Test func commitBindsIndicesOrRefusesAMissingSet() throws {
        let fake = FakeExchange { _ in [] }
        let rule = Rule(matches: [.set(SetMatch(setName: "kpx-src", directions: [true]))], target: .accept)
        let spec = try RuleEncoder.spec(rule, table: "filter", chain: "INPUT", family: .ipv4)
        let batch = NftBatch(family: .ipv4, operations: [.addRule(spec, .append)])
        try NftClient(exchange: fake, ipsets: IpsetTable(Self.names)).commit(batch)
        let sent = try NftProtocol.attributes(of: fake.sent[0][1])
        let exprs = try NftRule.decodeExpressions(try #require(sent.first(NftProtocol.RuleAttr.expressions)).value)
        #expect(exprs.first == .match(Self.blob(index: 0, dim: 1, flags: 2)))

        let missing = NftClient(exchange: FakeExchange { _ in [] }, ipsets: IpsetTable([:]))
        #expect(throws: NftError.self) { try missing.commit(batch) }
        // An IPv6 set in an IPv4 rule is refused like libxt_set refuses it; nothing is sent.
        let v6 = FakeExchange { _ in [] }
        let wrong = NftClient(exchange: v6, ipsets: IpsetTable(Self.names, families: [0: NftFamily.ipv6.rawValue]))
        #expect(throws: NftError.self) { try wrong.commit(batch) }
        #expect(v6.sent.isEmpty)
        #expect(throws: NftError.self) { try NftClient(exchange: FakeExchange { _ in [] }).commit(batch) }
    }

    @Test func snapshotResolvesOnlyTheIndicesItsRulesUse() throws {
        let lookup = IpsetTable(Self.names)
        let client = NftClient(exchange: FakeExchange { _ in [] }, ipsets: lookup)
        let rule = NftRule(table: "filter", chain: "INPUT", expressions: [.match(Self.blob(index: 3, dim: 1, flags: 0)),
                                                                         .match(Self.blob(index: 9, dim: 1, flags: 0))])
        #expect(client.ipsetNames(for: [rule]) == [3: "kpx-netport"])
    }
}
