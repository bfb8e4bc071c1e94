import Reconciler

/// Builders for Services, EndpointSlices and the fake proxier's settings.
enum K {
    static func service(_ ns: String, _ name: String, type: String? = nil, clusterIP: String,
                        ports: [Service.Port], externalIPs: [String]? = nil, lbIPs: [String] = [],
                        sourceRanges: [String]? = nil, eTP: String? = nil, iTP: String? = nil,
                        affinity: Int? = nil, healthCheckNodePort: Int? = nil) -> Service {
        var spec = Service.Spec(type: type, clusterIP: clusterIP, ports: ports, externalIPs: externalIPs,
                                externalTrafficPolicy: eTP, internalTrafficPolicy: iTP,
                                healthCheckNodePort: healthCheckNodePort, loadBalancerSourceRanges: sourceRanges)
        if let affinity {
            spec.sessionAffinity = "ClientIP"
            spec.sessionAffinityConfig = .init(clientIP: .init(timeoutSeconds: affinity))
        }
        let status = lbIPs.isEmpty ? nil : Service.Status(loadBalancer: .init(ingress: lbIPs.map { .init(ip: $0) }))
        return Service(metadata: ObjectMeta(name: name, namespace: ns), spec: spec, status: status)
    }

    static func port(_ name: String, _ port: Int, _ proto: String = "TCP", nodePort: Int? = nil) -> Service.Port {
        Service.Port(name: name, protocol: proto, port: port, nodePort: nodePort)
    }

    static func slice(_ ns: String, _ svc: String, _ name: String? = nil, family: String = "IPv4",
                      endpoints: [EndpointSlice.Endpoint], ports: [EndpointSlice.Port]) -> EndpointSlice {
        EndpointSlice(metadata: ObjectMeta(name: name ?? "\(svc)-1", namespace: ns,
                                           labels: [EndpointSlice.serviceNameLabel: svc]),
                      addressType: family, endpoints: endpoints, ports: ports)
    }

    static func ep(_ ip: String, node: String? = nil, ready: Bool? = nil, serving: Bool? = nil,
                   terminating: Bool? = nil, zones: [String]? = nil, nodes: [String]? = nil) -> EndpointSlice.Endpoint {
        let hints = (zones == nil && nodes == nil) ? nil
            : EndpointSlice.Hints(forZones: zones?.map { .init(name: $0) }, forNodes: nodes?.map { .init(name: $0) })
        let cond = (ready == nil && serving == nil && terminating == nil) ? nil
            : EndpointSlice.Conditions(ready: ready, serving: serving, terminating: terminating)
        return EndpointSlice.Endpoint(addresses: [ip], conditions: cond, nodeName: node, hints: hints)
    }

    static func sport(_ name: String, _ port: Int, _ proto: String = "TCP") -> EndpointSlice.Port {
        EndpointSlice.Port(name: name, protocol: proto, port: port)
    }

    static func state(_ services: [Service], _ slices: [EndpointSlice]) -> ClusterState {
        ClusterState.validating(services: services, slices: slices).0
    }

    static var fakeIPv4: ProxySettings {
        ProxySettings(nodeName: "test-node", ipFamily: .ipv4,
                      nodeIPs: ["192.168.0.2", "127.0.0.1", "::1"].map { IPAddress($0)! },
                      localDetector: .cidr(CIDR("10.0.0.0/8")!), nfacct: true)
    }

    static var fakeIPv6: ProxySettings {
        ProxySettings(nodeName: "test-node", ipFamily: .ipv6,
                      nodeIPs: ["2001:db8::1", "::1", "192.168.0.2"].map { IPAddress($0)! },
                      localDetector: .cidr(CIDR("fd00:10::/64")!), nfacct: true)
    }

    static let writer = KubeProxyTextWriter(markStyle: .short)

    /// `-A ...` lines of one chain.
    static func lines(_ rs: Ruleset, _ table: TableName, _ chain: String) -> [String] {
        (rs[table: table]?[chain: chain]?.rules ?? []).map { writer.ruleLine(chain: chain, $0, family: rs.family) }
    }

    static func ruleCount(_ rs: Ruleset, _ table: TableName) -> Int {
        rs[table: table]!.chains.filter { !$0.isBuiltin }.reduce(0) { $0 + $1.rules.count }
    }
}
