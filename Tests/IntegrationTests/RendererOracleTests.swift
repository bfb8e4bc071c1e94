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
        try KernelObjects.create(for: ruleset, in: namespace)
        try namespace.check([family == .ipv6 ? "ip6tables-restore" : "iptables-restore"], stdin: rendered)
        let saved = try namespace.save(family.rawValue)
        #expect(saved == OracleText.normalize(rendered))
    }
}
