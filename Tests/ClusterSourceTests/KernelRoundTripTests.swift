import ClusterSource
import Foundation
import Reconciler
import Testing

/// Restores the rendered text into a fresh network namespace with the real iptables-restore,
/// reads it back with iptables-save, and checks the parsed result equals the desired AST: what
/// kube-proxy's text becomes in the kernel is exactly what DesiredState says (no churn on takeover).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["KPX_NETNS_TESTS"] == "1", "needs root and KPX_NETNS_TESTS=1"))
struct KernelRoundTripTests {
    static func run(_ args: [String], input: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe(), inp = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.executableLoad, userInfo: ["args": args, "stderr": errText]) }
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: ["01-overall-iptables-rules", "flow-02-cluster-ip-general", "flow-04-etp-local"])
    func savedRulesetEqualsDesired(_ dir: String) throws {
        var settings = Fixtures.fakeIPv4
        settings.nfacct = false
        settings.randomFully = true
        let desired = DesiredState.compute(Fixtures.state(dir).0, settings: settings)
        let ns = "kpxdesired-\(getpid())-\(dir.prefix(7))"
        _ = try Self.run(["ip", "netns", "add", ns])
        defer { _ = try? Self.run(["ip", "netns", "del", ns]) }
        _ = try Self.run(["ip", "netns", "exec", ns, "iptables-restore", "--noflush"], input: KubeProxyTextWriter().render(desired))
        let saved = try RestoreParser.ruleset(try Self.run(["ip", "netns", "exec", ns, "iptables-save"]))
        for table in desired.tables {
            for chain in table.chains where !chain.isBuiltin && !(chain.rules.isEmpty && chain.name == KubeChains.kubeletFirewall) {
                let got = saved[table: table.name]?[chain: chain.name]?.rules
                if chain.name == KubeChains.services || chain.name == KubeChains.nodePorts {
                    #expect(got.map(Set.init) == Set(chain.rules), "\(dir) \(table.name) \(chain.name)")
                } else {
                    #expect(got == chain.rules, "\(dir) \(table.name) \(chain.name)")
                }
            }
        }
    }
}
