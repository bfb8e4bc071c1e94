import Foundation
import Testing
@testable import Reconciler

/// Holds the canonical renderer against the real tool: what we render, loaded with
/// iptables-restore into a fresh namespace, is printed identically by iptables-save.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"), .serialized)
struct RendererOracleTests {
    static let dumps = (try? Fixtures.files(in: "real-dumps", suffix: ".iptables")) ?? []

    @Test(arguments: dumps + ["canonical/options.restore"])
    func iptablesSavePrintsWhatWeRender(path: String) throws {
        let family: IPFamily = path.contains("ip6tables") ? .ipv6 : .ipv4
        let ruleset = try RestoreParser.ruleset(try Fixtures.text(path), family: family).canonicallyOrdered()
        let rendered = SaveRenderer.render(ruleset)
        let namespace = try NetworkNamespace()
        try createIPSets(for: ruleset, in: namespace)
        try namespace.check([family == .ipv6 ? "ip6tables-restore" : "iptables-restore"], stdin: rendered)
        let saved = try namespace.save(family.rawValue)
        #expect(saved == OracleText.normalize(rendered))
    }

    /// `-m set` needs the sets to exist: create each named set with as many dimensions as used.
    private func createIPSets(for ruleset: Ruleset, in namespace: NetworkNamespace) throws {
        var sets: [String: Int] = [:]
        for table in ruleset.tables {
            for chain in table.chains {
                for rule in chain.rules {
                    for case .set(let set) in rule.matches { sets[set.setName] = max(sets[set.setName] ?? 0, set.directions.count) }
                }
            }
        }
        let family = ruleset.family == .ipv6 ? "inet6" : "inet"
        for (name, dimensions) in sets.sorted(by: { $0.key < $1.key }) {
            let type = dimensions > 1 ? "hash:net,port" : "hash:net"
            try namespace.check(["ipset", "create", name, type, "family", family])
        }
    }
}
