import Foundation
import Testing
import TestSupport

/// `--version` and kube-proxy's proxy-mode check (issue 11), through the built binary.
@Suite struct AgentFlagTests {
    @Test func versionNamesReleaseAndRevision() throws {
        let result = try Kpx.run(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.range(of: #"^\d+\.\d+\.\d+ \(revision ([0-9a-f]{12}(-dirty)?|unknown)\)$"#, options: .regularExpression) != nil, "\(line)")
    }

    @Test func otherProxyModesAreRefused() throws {
        let result = try Kpx.run(["agent", "--proxy-mode", "ipvs", "--services-dir", "/nonexistent"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--proxy-mode \"ipvs\"") && result.stderr.contains("iptables mode only"), "\(result.stderr)")
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-mode-\(getpid()).yaml")
        try "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let fromConfig = try Kpx.run(["agent", "--config", config.path, "--services-dir", "/nonexistent"])
        #expect(fromConfig.status == 1 && fromConfig.stderr.contains("config mode \"nftables\""), "\(fromConfig.stderr)")
    }
}
