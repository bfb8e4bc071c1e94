import ClusterSource
import Foundation
import Reconciler
import Testing

/// The desired AST equals the AST the Text parser builds from kube-proxy's own expected restore
/// text (Rule `==` is semantic), chain by chain; order between services in KUBE-SERVICES and
/// KUBE-NODEPORTS is free, so those chains are compared as multisets (the tail rule must stay last).
@Suite struct SemanticOracleTests {
    static let cases = ["01-overall-iptables-rules", "03-sync-proxy-rules-repeated/step1-initial",
                        "03-sync-proxy-rules-repeated/step9-full-resync-after-failed-partial"]

    @Test(arguments: cases) func desiredASTEqualsParsedKubeProxyText(_ dir: String) throws {
        let expected = try RestoreParser.ruleset(try Fixtures.text(dir + "/expected.iptables"))
        let desired = DesiredState.compute(Fixtures.state(dir).0, settings: Fixtures.fakeIPv4)
        for table in expected.tables {
            let mine = desired[table: table.name]!
            let want = table.chains.filter { !$0.isBuiltin }
            let got = mine.chains.filter { !$0.isBuiltin }
            #expect(Set(got.map(\.name)) == Set(want.map(\.name)), "\(dir) \(table.name)")
            for chain in want {
                guard let g = mine[chain: chain.name] else { continue }
                if chain.name == KubeChains.services || chain.name == KubeChains.nodePorts {
                    #expect(Self.multiset(g.rules) == Self.multiset(chain.rules), "\(dir) \(table.name) \(chain.name)")
                    #expect(g.rules.last == chain.rules.last, "\(dir) \(table.name) \(chain.name) last rule")
                } else {
                    #expect(g.rules == chain.rules, "\(dir) \(table.name) \(chain.name)")
                }
            }
        }
    }

    static func multiset(_ rules: [Rule]) -> [Rule: Int] { rules.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
}
