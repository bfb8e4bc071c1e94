/// A validated EndpointSlice: the service it belongs to, its usable ports and endpoints.
public struct EndpointSliceModel: Hashable, Sendable {
    public struct Port: Hashable, Sendable {
        public var name: String
        public var proto: L4Protocol
        public var port: Int
    }

    public struct Endpoint: Hashable, Sendable {
        /// kube-proxy uses only the first address.
        public var address: IPAddress
        /// That address exactly as written: kube-proxy hashes and prints the text, not a canonical form.
        public var addressText: String
        public var nodeName: String?
        public var zone: String?
        public var ready: Bool
        public var serving: Bool
        public var terminating: Bool
        public var zoneHints: Set<String>
        public var nodeHints: Set<String>
    }

    public var name: String
    public var service: ServiceName
    public var addressFamily: IPFamily
    public var ports: [Port]
    public var endpoints: [Endpoint]
}

/// Result of validating an EndpointSlice (nil model = slice skipped).
public struct EndpointSliceValidation: Sendable {
    public var model: EndpointSliceModel?
    public var issues: [KubeIssue]
}

extension EndpointSlice {
    public var ref: ObjectRef { ObjectRef(kind: "EndpointSlice", namespace: metadata.namespace, name: metadata.name) }

    /// Validates the fields kube-proxy uses; invalid ports and endpoints are dropped with an issue,
    /// a slice without its service label or name is skipped.
    public func validate() -> EndpointSliceValidation {
        var issues: [KubeIssue] = []
        func fail(_ field: String, _ msg: String) -> EndpointSliceValidation {
            issues.append(KubeIssue(.error, ref, field: field, msg))
            return EndpointSliceValidation(model: nil, issues: issues)
        }
        guard let name = metadata.name, !name.isEmpty else { return fail("metadata.name", "missing name") }
        guard let svc = serviceName else {
            return fail("metadata.labels", "missing \(EndpointSlice.serviceNameLabel) label: slice ignored")
        }
        let family: IPFamily
        switch addressType ?? "" {
        case "IPv4": family = .ipv4
        case "IPv6": family = .ipv6
        case "FQDN":
            issues.append(KubeIssue(.warning, ref, field: "addressType", "FQDN slices are not proxied: slice ignored"))
            return EndpointSliceValidation(model: nil, issues: issues)
        default: return fail("addressType", "unknown address type \"\(addressType ?? "")\"")
        }
        let ports = validPorts(&issues)
        let eps = validEndpoints(family, &issues)
        return EndpointSliceValidation(
            model: EndpointSliceModel(name: name, service: svc, addressFamily: family, ports: ports, endpoints: eps),
            issues: issues)
    }

    private func validPorts(_ issues: inout [KubeIssue]) -> [EndpointSliceModel.Port] {
        var out: [EndpointSliceModel.Port] = []
        for (i, p) in (ports ?? []).enumerated() {
            let f = "ports[\(i)]"
            guard let name = p.name else {
                issues.append(KubeIssue(.warning, ref, field: f + ".name", "port without name ignored")); continue
            }
            guard let num = p.port, num != 0 else {
                issues.append(KubeIssue(.warning, ref, field: f + ".port", "missing or zero port ignored")); continue
            }
            guard (1...65535).contains(num) else {
                issues.append(KubeIssue(.error, ref, field: f + ".port", "port \(num) out of range 1-65535")); continue
            }
            guard let proto = L4Protocol(rawValue: p.protocol ?? "TCP") else {
                issues.append(KubeIssue(.error, ref, field: f + ".protocol", "unknown protocol \"\(p.protocol!)\"")); continue
            }
            if out.contains(where: { $0.name == name && $0.proto == proto }) {
                issues.append(KubeIssue(.error, ref, field: f, "duplicate port \"\(name)\"/\(proto.rawValue)")); continue
            }
            out.append(EndpointSliceModel.Port(name: name, proto: proto, port: num))
        }
        return out
    }

    private func validEndpoints(_ family: IPFamily, _ issues: inout [KubeIssue]) -> [EndpointSliceModel.Endpoint] {
        var out: [EndpointSliceModel.Endpoint] = []
        for (i, e) in (endpoints ?? []).enumerated() {
            let f = "endpoints[\(i)].addresses"
            guard let first = e.addresses?.first else {
                issues.append(KubeIssue(.warning, ref, field: f, "endpoint without addresses ignored")); continue
            }
            guard let ip = IPAddress(first) else {
                issues.append(KubeIssue(.error, ref, field: f + "[0]", "invalid IP address \"\(first)\": endpoint ignored")); continue
            }
            guard ip.family == family else {
                issues.append(KubeIssue(.error, ref, field: f + "[0]", "\(first) is not \(family.rawValue): endpoint ignored")); continue
            }
            let c = e.conditions
            out.append(EndpointSliceModel.Endpoint(
                address: ip, addressText: first, nodeName: e.nodeName, zone: e.zone,
                ready: c?.ready ?? true, serving: c?.serving ?? true, terminating: c?.terminating ?? false,
                zoneHints: Set(e.hints?.forZones?.map(\.name) ?? []),
                nodeHints: Set(e.hints?.forNodes?.map(\.name) ?? [])))
        }
        return out
    }
}
