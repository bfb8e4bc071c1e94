import Foundation
import ClusterSource
import Reconciler
import Testing

@Suite struct ProxyConfigTests {
    let yaml = """
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        mode: iptables
        hostnameOverride: node-a
        clusterCIDR: "10.244.0.0/16,fd00:10::/56"
        detectLocalMode: ClusterCIDR
        iptables:
          masqueradeAll: false
          masqueradeBit: 15
          localhostNodePorts: false
        nodePortAddresses: ["192.168.0.0/24"]
        featureGates: {PreferSameTrafficDistribution: false}
        """

    /// kube-proxy's precedence: the file wins over flags of the same settings; settings the file
    /// cannot hold (the family here) come from the flags.
    @Test func configFileWinsOverFlags() throws {
        let config = try ProxyConfigLoader.parse(yaml, path: "kp.yaml").rules
        var flags = ProxySettingsInput()
        flags.ipFamily = "ipv6"
        flags.masqueradeBit = 16
        let s = try flags.underConfig(ProxySettingsInput(config: config)).resolve()
        #expect(s.nodeName == "node-a")
        #expect(s.ipFamily == .ipv6)
        #expect(s.localDetector == .cidr(CIDR("fd00:10::/56")!))
        #expect(s.masqueradeBit == 15 && s.masqueradeMark == 0x8000)
        #expect(!s.localhostNodePorts && !s.preferSameTrafficDistribution)
        #expect(s.nodePortAddresses == ["192.168.0.0/24"])
    }

    @Test func rejectsOtherKindsAndModes() {
        #expect(throws: ProxyConfigLoader.LoadError.self) {
            try ProxyConfigLoader.parse("apiVersion: v1\nkind: ConfigMap\n", path: "x")
        }
        #expect(throws: ProxyConfigLoader.LoadError.self) {
            try ProxyConfigLoader.parse(yaml.replacingOccurrences(of: "mode: iptables", with: "mode: nftables"), path: "x")
        }
    }

    @Test func invalidSettingsAreTypedErrors() {
        var i = ProxySettingsInput()
        i.clusterCIDRs = ["10.0.0.0/33"]
        #expect(throws: SettingsError.self) { try i.resolve() }
        var j = ProxySettingsInput()
        j.detectLocalMode = "BridgeInterface"
        #expect(throws: SettingsError.self) { try j.resolve() }
        var k = ProxySettingsInput()
        k.detectLocalMode = "InterfaceNamePrefix"
        k.interfaceNamePrefix = "veth"
        #expect((try? k.resolve())?.localDetector == .interfaceNamePrefix("veth"))
    }

    @Test func goDurations() throws {
        #expect(try GoDuration.parse("30s") == .seconds(30))
        #expect(try GoDuration.parse("1m0s") == .seconds(60))
        #expect(try GoDuration.parse("1h2m3.5s") == .milliseconds(3_723_500))
        #expect(try GoDuration.parse("500ms") == .milliseconds(500))
        #expect(try GoDuration.parse("0") == .zero)
        #expect(throws: GoDuration.InvalidDuration.self) { try GoDuration.parse("5 parsecs") }
    }

    @Test func kubeProxyConfigurationAgentFields() throws {
        let file = try ProxyConfigLoader.parse("""
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            clientConnection:
              kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
            metricsBindAddress: 0.0.0.0:10249
            iptables:
              syncPeriod: 15s
              minSyncPeriod: 2s
            """, path: "kp.yaml").agent
        #expect(file.kubeconfig == "/var/lib/kube-proxy/kubeconfig.conf")
        #expect(file.metricsBindAddress == "0.0.0.0:10249")
        #expect(file.healthzBindAddress == nil)
        #expect(file.syncPeriod == .seconds(15) && file.minSyncPeriod == .seconds(2))
    }
}
