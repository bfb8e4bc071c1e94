import Testing
import Reconciler
@testable import NetlinkBridge

/// Decoder against golden bytes: every rule iptables-nft wrote decodes to an AST rule that the
/// renderer prints exactly as iptables-save printed it.
struct GoldenDecodeTests {
    @Test(arguments: try! GoldenFile.all().map(\.name))
    func decodedRulesRenderAsIptablesSave(file: String) throws {
        let golden = try GoldenFile.load(file)
        for g in golden.rules {
            let raw = NftRule(table: g.table, chain: g.chain, expressions: try NftRule.decodeExpressions(g.exprs),
                              rawExpressions: g.exprs)
            let rule = RuleDecoder.decode(raw, family: g.family, ipsetNames: golden.ipsets)
            let text = SaveRenderer.line(chain: g.chain, rule: rule, family: g.family.ipFamily)
            #expect(text == g.save)
        }
    }

    @Test func undecodableRuleStaysOpaqueWithItsBytes() throws {
        let x = XtExpr(name: "owner", revision: 9, info: [1, 2, 3, 4])
        let exprs: [RawExpression] = [.match(x), .counter(CounterExpr()), .immediate(ImmediateExpr(verdict: .drop))]
        let rule = RuleDecoder.decode(NftRule(table: "filter", chain: "OUTPUT", expressions: exprs), family: .ipv4)
        let opaque = try #require(rule.opaque)
        #expect(opaque.expressions == NftRule.encodeExpressions(exprs))
        #expect(opaque.reason.contains("owner rev 9"))
        #expect(rule.target == nil && rule.matches.isEmpty)
    }

    /// An opaque rule still says which chain it jumps to, so a stale chain it references is kept.
    @Test func opaqueRuleKeepsItsJumpTarget() throws {
        let x = XtExpr(name: "owner", revision: 9, info: [1, 2, 3, 4])
        for verdict in [Verdict.jump("KUBE-SVC-X"), .goto("KUBE-SVC-X")] {
            let exprs: [RawExpression] = [.match(x), .counter(CounterExpr()), .immediate(ImmediateExpr(verdict: verdict))]
            let rule = RuleDecoder.decode(NftRule(table: "nat", chain: "ADMIN", expressions: exprs), family: .ipv4)
            #expect(rule.opaque != nil && rule.targetChain == "KUBE-SVC-X")
        }
    }

    @Test func unknownExpressionKindIsOpaque() throws {
        let exprs: [RawExpression] = [.unknown(UnknownExpr(name: "ct", data: [8, 0, 2, 0, 0, 0, 0, 0])),
                                      .counter(CounterExpr()), .immediate(ImmediateExpr(verdict: .accept))]
        let rule = RuleDecoder.decode(NftRule(table: "filter", chain: "INPUT", expressions: exprs), family: .ipv4)
        #expect(rule.opaque != nil)
    }
}
