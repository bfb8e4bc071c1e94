import Foundation
import Reconciler
import ReconcilerTesting

/// Builders for the Services and EndpointSlices the tests put into the fake API.
enum K {
    static func service(_ ns: String, _ name: String, clusterIP: String, ports: [Service.Port], type: String? = nil) -> Service {
        Service(metadata: ObjectMeta(name: name, namespace: ns),
                spec: Service.Spec(type: type, clusterIP: clusterIP, ports: ports))
    }

    static func port(_ name: String, _ port: Int, _ proto: String = "TCP", nodePort: Int? = nil) -> Service.Port {
        Service.Port(name: name, protocol: proto, port: port, nodePort: nodePort)
    }

    static func slice(_ ns: String, _ svc: String, _ name: String? = nil, ips: [String], port: Int = 8080,
                      portName: String = "p80", proto: String = "TCP") -> EndpointSlice {
        EndpointSlice(metadata: ObjectMeta(name: name ?? "\(svc)-1", namespace: ns, labels: [EndpointSlice.serviceNameLabel: svc]),
                      addressType: "IPv4", endpoints: ips.map { EndpointSlice.Endpoint(addresses: [$0]) },
                      ports: [EndpointSlice.Port(name: portName, protocol: proto, port: port)])
    }

    static var settings: ProxySettings {
        ProxySettings(nodeName: "test-node", ipFamily: .ipv4, nodeIPs: [IPAddress("192.168.0.2")!],
                      localDetector: .cidr(CIDR("10.0.0.0/8")!))
    }

    /// The test settings for a `ClusterGenerator` cluster (its node name and IP; endpoints of
    /// that node are local).
    static var generatedSettings: ProxySettings {
        var settings = K.settings
        settings.nodeName = ClusterGenerator.nodeName
        settings.nodeIPs = ClusterGenerator.settings.nodeIPs
        return settings
    }

    /// What kube-proxy would program for these objects.
    static func desired(_ services: [Service], _ slices: [EndpointSlice], settings: ProxySettings = K.settings) -> Ruleset {
        DesiredState.compute(ClusterState.validating(services: services, slices: slices).0, settings: settings)
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) async rethrows -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
