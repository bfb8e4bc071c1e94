import ClusterSource
import Foundation
import Reconciler

/// Access to `Tests/Fixtures/kube-proxy-cases` and the settings those cases assume.
enum Fixtures {
    static let casesDir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/kube-proxy-cases")

    static func path(_ relative: String) -> String { casesDir.appendingPathComponent(relative).path }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Loads and validates a case's `input.yaml`.
    static func state(_ caseDir: String) -> (ClusterState, [KubeIssue]) {
        let loaded = ManifestLoader.load(files: [path(caseDir + "/input.yaml")])
        let (state, issues) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        return (state, loaded.issues + issues)
    }

    /// NewFakeProxier's settings ("default-ipv4" in the cases' README).
    static var fakeIPv4: ProxySettings {
        ProxySettings(
            nodeName: "test-node", ipFamily: .ipv4,
            nodeIPs: ["192.168.0.2", "127.0.0.1", "192.168.1.2", "192.168.99.11", "::1", "2001:db8::1", "2001:db8:1::2"]
                .map { IPAddress($0)! },
            localDetector: .cidr(CIDR("10.0.0.0/8")!), masqueradeAll: false, masqueradeBit: 14,
            nodePortAddresses: [], localhostNodePorts: true, randomFully: false, nfacct: true)
    }

    /// The writer as the fake proxier spells marks (`0x4000`).
    static let writer = KubeProxyTextWriter(markStyle: .short)
}
