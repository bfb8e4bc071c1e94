import Agent
import Reconciler
import Testing

/// The kernel settings kube-proxy makes, as values (pkg/proxy/conntrack/sysctls.go).
@Suite struct NodeSysctlsTests {
    func value(_ settings: [NodeSysctls.Setting], _ suffix: String) -> Int? { settings.first { $0.path.hasSuffix(suffix) }?.value }

    @Test func defaults() {
        let s = NodeSysctls.settings(NodeSysctls.Conntrack(), cpus: 2, routeLocalnet: false, currentHashsize: 16384)
        #expect(value(s, "nf_conntrack_max") == 131072)             // max(32768 x 2, 131072)
        #expect(value(s, "hashsize") == 32768 && s.first { $0.path.hasSuffix("hashsize") }?.global == true)
        #expect(value(s, "nf_conntrack_tcp_timeout_established") == 86400)
        #expect(value(s, "nf_conntrack_tcp_timeout_close_wait") == 3600)
        #expect(value(s, "nf_conntrack_tcp_be_liberal") == nil && value(s, "nf_conntrack_udp_timeout") == nil)
        #expect(value(s, "route_localnet") == nil)
    }

    @Test func scaledByCPUsAndZeroLeavesTheKernel() {
        var c = NodeSysctls.Conntrack()
        c.tcpBeLiberal = true
        c.udpTimeout = .seconds(45)
        c.tcpCloseWaitTimeout = .zero
        let s = NodeSysctls.settings(c, cpus: 8, routeLocalnet: true, currentHashsize: 1 << 20)
        #expect(value(s, "nf_conntrack_max") == 262144 && value(s, "hashsize") == nil)
        #expect(value(s, "nf_conntrack_tcp_be_liberal") == 1 && value(s, "nf_conntrack_udp_timeout") == 45)
        #expect(value(s, "nf_conntrack_tcp_timeout_close_wait") == nil)
        #expect(value(s, "route_localnet") == 1)
        c.maxPerCore = 0
        #expect(value(NodeSysctls.settings(c, cpus: 8, routeLocalnet: false, currentHashsize: nil), "nf_conntrack_max") == nil)
    }

    @Test func routeLocalnetOnlyForIPv4LoopbackNodePorts() throws {
        var input = ProxySettingsInput()
        input.nodeIPs = ["192.168.0.2"]
        #expect(NodeSysctls.wantsRouteLocalnet(try input.resolve()))
        input.localhostNodePorts = false
        #expect(!NodeSysctls.wantsRouteLocalnet(try input.resolve()))
        input.localhostNodePorts = nil
        input.nodePortAddresses = ["192.168.0.0/24"]
        #expect(!NodeSysctls.wantsRouteLocalnet(try input.resolve()))
        input.nodePortAddresses = nil
        input.ipFamily = "ipv6"
        input.nodeIPs = ["fd00::2"]
        #expect(!NodeSysctls.wantsRouteLocalnet(try input.resolve()))
    }
}
