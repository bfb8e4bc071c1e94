import Testing
import Reconciler
@testable import NetlinkBridge

/// Encoder against golden bytes: the iptables-save line of every rule iptables-nft wrote, parsed
/// into the AST and encoded by us, gives the same expressions the kernel holds for it.
struct GoldenEncodeTests {
    static func parse(_ save: String, table: String, chain: String, family: NftFamily) throws -> Rule {
        let builtin = TableName(rawValue: table)?.builtinChains.contains(chain) ?? false
        let text = "*\(table)\n:\(chain) \(builtin ? "ACCEPT" : "-") [0:0]\n\(save)\nCOMMIT\n"
        let script = try RestoreParser.parse(text, family: family.ipFamily)
        guard case .append(_, let rule) = script.tables[0].commands[0].kind else {
            throw RuleEncoder.Failure(description: "not an append")
        }
        return rule
    }

    @Test(arguments: try! GoldenFile.all().map(\.name))
    func encodedRulesEqualWhatIptablesWrote(file: String) throws {
        let golden = try GoldenFile.load(file)
        for g in golden.rules {
            let rule = try Self.parse(g.save, table: g.table, chain: g.chain, family: g.family)
            let ours = try RuleEncoder.expressions(rule, family: g.family, ipsets: IpsetTable(golden.ipsets))
            let theirs = try NftRule.decodeExpressions(g.exprs)
            #expect(KnownGaps.normalize(ours) == KnownGaps.normalize(theirs), "\(g.save)")
            if KnownGaps.normalize(ours) != KnownGaps.normalize(theirs) {
                for (a, b) in zip(ours, theirs) where a != b { print("ours  \(a)\ntheirs \(b)") }
            }
        }
    }

    @Test func opaqueRulesAreNeverEncoded() {
        let rule = Rule(opaque: OpaqueRule(expressions: [1, 2, 3], reason: "test"))
        #expect(throws: RuleEncoder.Failure.self) { try RuleEncoder.expressions(rule, family: .ipv4) }
    }

    @Test func compatCarriesTheProtocol() throws {
        let rule = try Self.parse("-A C ! -p udp -j RETURN", table: "filter", chain: "C", family: .ipv4)
        let spec = try RuleEncoder.spec(rule, table: "filter", chain: "C", family: .ipv4)
        #expect(spec.compatProto == 17 && spec.compatInverted)
    }
}
