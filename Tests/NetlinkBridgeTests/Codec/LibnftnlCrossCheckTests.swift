import NetlinkBridgeTesting
import Reconciler
import Testing
@testable import NetlinkBridge

/// Our encoder against libnftnl, for every expression kind we write: each golden rule (what
/// iptables-nft wrote, parsed from its iptables-save line) encoded by us, parsed by libnftnl and
/// built again by libnftnl, is byte-identical; and libnftnl prints every rule we read.
struct LibnftnlCrossCheckTests {
    /// The expression kinds our encoder writes (`lookup` is only read: iptables-nft 1.8.9 writes
    /// `-m set` as an xt match; `log` and `limit` are written as iptables-nft writes them, natively).
    static let kinds: Set<String> = ["payload", "cmp", "bitwise", "meta", "immediate", "counter", "range",
                                     "match", "target", "log", "limit"]

    static func bytes(_ expressions: [RawExpression]) -> [UInt8] {
        var w = AttributeWriter()
        NftRule.writeExpressions(expressions, into: &w)
        return w.bytes
    }

    @Test(arguments: try! GoldenFile.all().map(\.name))
    func ourBytesAreLibnftnlsBytes(file: String) throws {
        let golden = try GoldenFile.load(file)
        for g in golden.rules {
            let rule = try GoldenEncodeTests.parse(g.save, table: g.table, chain: g.chain, family: g.family)
            let ours = Self.bytes(try RuleEncoder.expressions(rule, family: g.family, ipsets: IpsetTable(golden.ipsets)))
            let rebuilt = try #require(LibnftnlRebuild.expressions(ours, family: g.family), "libnftnl refused \(g.save)")
            #expect(rebuilt == ours, "\(g.save)")
        }
    }

    @Test func everyKindWeWriteIsCovered() throws {
        var seen: Set<String> = []
        for golden in try GoldenFile.all() {
            for g in golden.rules {
                let rule = try GoldenEncodeTests.parse(g.save, table: g.table, chain: g.chain, family: g.family)
                seen.formUnion(try RuleEncoder.expressions(rule, family: g.family, ipsets: IpsetTable(golden.ipsets)).map(\.name))
            }
        }
        #expect(Self.kinds.isSubset(of: seen), "not covered: \(Self.kinds.subtracting(seen).sorted())")
        #expect(seen.isSubset(of: Self.kinds), "kinds written but not listed: \(seen.subtracting(Self.kinds).sorted())")
    }

    /// The kernel's dump of every golden rule prints, one `[ ... ]` per expression.
    @Test func libnftnlPrintsEveryRuleWeRead() throws {
        for golden in try GoldenFile.all() {
            for g in golden.rules {
                let text = try #require(LibnftnlText.expressions(g.exprs, family: g.family), "\(g.save)")
                let count = try NftRule.decodeExpressions(g.exprs).count
                #expect(text.split(separator: "[ ", omittingEmptySubsequences: false).count - 1 == count, "\(g.save): \(text)")
            }
        }
    }
}
