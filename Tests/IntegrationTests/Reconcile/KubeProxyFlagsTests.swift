import Foundation
import Testing
import TestSupport

/// kube-proxy's flag and configuration semantics (issue 18): bare booleans, `-v=N`, `--config`
/// winning over flags, unknown-field warnings, config fields that shape the rules.
@Suite struct KubeProxyFlagsTests {
    static let cluster = Repo.path("examples/cluster.yaml")

    func render(_ args: [String]) throws -> String {
        let result = try Kpx.run(["render", "--services", Self.cluster] + args)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    func config(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-config-\(getpid())-\(UUID().uuidString.prefix(6)).yaml").path
        try ("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n" + yaml).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func bareBooleansAndVerbosity() throws {
        let base = ["--node-ip", "192.168.0.2", "--hostname-override", "test-node"]
        #expect(try render(base + ["--masquerade-all"]) == (try render(base + ["--masquerade-all=true"])))
        #expect(try render(base + ["--masquerade-all"]) == (try render(base + ["--masquerade-all", "true"])))
        #expect(try render(base + ["--masquerade-all=false"]) == (try render(base)))
        #expect(try render(base + ["-v=4"]) == (try render(base)))
        #expect(try render(base + ["--v", "2"]) == (try render(base)))
    }

    /// Every honoured field gives the same rules as the equivalent flags, tcpBeLiberal included.
    @Test func fullConfigRendersAsTheEquivalentFlags() throws {
        let path = try config("""
            hostnameOverride: test-node
            bindAddress: 192.168.0.2
            detectLocalMode: ClusterCIDR
            detectLocal: {clusterCIDRs: ["10.0.0.0/8"]}
            iptables: {masqueradeAll: true, masqueradeBit: 15, localhostNodePorts: false}
            nodePortAddresses: ["192.168.0.0/24"]
            conntrack: {tcpBeLiberal: true, maxPerCore: 0}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromConfig = try render(["--config", path])
        let fromFlags = try render(["--hostname-override", "test-node", "--node-ip", "192.168.0.2", "--cluster-cidr", "10.0.0.0/8",
                                    "--masquerade-all", "--iptables-masquerade-bit", "15", "--iptables-localhost-nodeports=false",
                                    "--nodeport-addresses", "192.168.0.0/24", "--conntrack-tcp-be-liberal"])
        #expect(fromConfig == fromFlags)
        #expect(!fromConfig.contains("--ctstate INVALID -j DROP"), "tcpBeLiberal drops the INVALID rule")
    }

    /// As in kube-proxy, the file wins over flags of the same settings; --hostname-override still applies.
    @Test func configWinsOverFlags() throws {
        let path = try config("iptables: {masqueradeBit: 15}\nhostnameOverride: from-config\nclusterCIDR: 10.0.0.0/8\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let withFlag = try render(["--config", path, "--iptables-masquerade-bit", "16", "--node-ip", "192.168.0.2"])
        #expect(withFlag.contains("0x008000/0x008000") && !withFlag.contains("0x010000"), "\(withFlag)")
        let hostname = try render(["--config", path, "--hostname-override", "test-node", "--node-ip", "192.168.0.2"])
        #expect(hostname == (try render(["--config", path, "--node-ip", "192.168.0.2", "--hostname-override", "test-node"])))
    }

    @Test func unknownFieldsWarnWithTheirPath() throws {
        let path = try config("iptables: {masqueradeAl: true}\nnodePortAdresses: []\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Kpx.run(["render", "--services", Self.cluster, "--config", path, "--node-ip", "192.168.0.2"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("unknown field \"iptables.masqueradeAl\"") && result.stderr.contains("unknown field \"nodePortAdresses\""),
                "\(result.stderr)")
    }
}
