import Foundation
import Logging
import Reconciler
import Testing
@testable import Agent
@testable import KubeClient

/// The node object completes what the flags left out (issue 18): node IPs for --nodeport-addresses
/// and the node port rules, pod CIDRs for NodeCIDR local detection.
@Suite struct NodeSettingsTests {
    static let node = Data("""
        {"metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "z1"}},
         "spec": {"podCIDRs": ["10.244.3.0/24", "fd00:10:3::/64"]},
         "status": {"addresses": [{"type": "Hostname", "address": "n1"}, {"type": "ExternalIP", "address": "203.0.113.7"},
                                  {"type": "InternalIP", "address": "192.168.0.7"}]}}
        """.utf8)

    @Test func nodeObjectFields() throws {
        let info = try NodeInfo.parse(Self.node, name: "n1")
        #expect(info.addresses == ["192.168.0.7", "203.0.113.7"])
        #expect(info.podCIDRs == ["10.244.3.0/24", "fd00:10:3::/64"])
        #expect(info.zone == "z1")
    }

    @Test func nodeCompletesMissingSettings() throws {
        var input = ProxySettingsInput()
        input.hostnameOverride = "n1"
        input.detectLocalMode = "NodeCIDR"
        input.nodePortAddresses = ["primary"]
        var configuration = AgentConfiguration(settings: try input.resolve())
        #expect(configuration.settings.nodeIPs.isEmpty && configuration.settings.localDetector == .none)
        var runner = AgentRunner(configuration: configuration, kubeconfig: nil, master: nil, servicesDir: nil,
                                 metricsAddress: "", healthzAddress: "", pinnedZone: false, logger: Logger(label: "test"))
        runner.settingsInput = input
        try runner.complete(&configuration, from: try NodeInfo.parse(Self.node, name: "n1"))
        #expect(configuration.settings.nodeIPs.first == IPAddress("192.168.0.7"))
        #expect(configuration.settings.localDetector == .cidr(CIDR("10.244.3.0/24")!))
        #expect(configuration.settings.topologyZone == "z1" && configuration.settings.nodeName == "n1")
    }

    /// A node object with addresses of both families makes the agent dual-stack (issue 14): both
    /// families' settings, the primary being the first address's family (kube-proxy's
    /// GetNodeHostIPs order: InternalIP first), each with its own pod CIDR and node IP.
    @Test(arguments: [(["192.168.0.7", "2001:db8::7"], IPFamily.ipv4), (["2001:db8::7", "192.168.0.7"], IPFamily.ipv6)])
    func aDualStackNodeObjectMakesTheAgentProxyBothFamilies(addresses: [String], primary: IPFamily) throws {
        let entries = addresses.map { "{\"type\": \"InternalIP\", \"address\": \"\($0)\"}" }.joined(separator: ", ")
        let node = Data("""
            {"metadata": {"name": "n1"}, "spec": {"podCIDRs": ["10.244.3.0/24", "fd00:10:3::/64"]},
             "status": {"addresses": [\(entries)]}}
            """.utf8)
        var input = ProxySettingsInput()
        input.hostnameOverride = "n1"
        input.detectLocalMode = "NodeCIDR"
        var configuration = AgentConfiguration(settings: try input.resolve())
        #expect(configuration.families.count == 1)
        var runner = AgentRunner(configuration: configuration, kubeconfig: nil, master: nil, servicesDir: nil,
                                 metricsAddress: "", healthzAddress: "", pinnedZone: false, logger: Logger(label: "test"))
        runner.settingsInput = input
        try runner.complete(&configuration, from: try NodeInfo.parse(node, name: "n1"))
        #expect(configuration.families.map(\.ipFamily) == [.ipv4, .ipv6])
        #expect(configuration.settings.ipFamily == primary)
        #expect(configuration.families[0].localDetector == .cidr(CIDR("10.244.3.0/24")!))
        #expect(configuration.families[1].localDetector == .cidr(CIDR("fd00:10:3::/64")!))
        #expect(configuration.families[1].primaryNodeIP == IPAddress("2001:db8::7"))
        #expect(configuration.families.allSatisfy { $0.nodeName == "n1" })
    }
}
