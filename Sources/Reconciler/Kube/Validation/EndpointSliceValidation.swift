/// Result of validating an EndpointSlice (nil model = slice skipped).
public struct EndpointSliceValidation: Sendable {
    public var model: EndpointSliceModel?
    public var issues: [KubeIssue]
}

extension EndpointSlice {
    public var ref: ObjectRef {
        ObjectRef(kind: "EndpointSlice", namespace: metadata.namespace, name: metadata.name, source: metadata.source)
    }

    /// Validates the slice as the API server would (`ValidateEndpointSlice`, the fields kube-proxy
    /// reads), with the API server's defaults (port name "", protocol TCP). Any error skips the
    /// whole slice. A slice kube-proxy ignores although it is valid (no service label, FQDN
    /// addresses) is skipped with a warning.
    public func validate() -> EndpointSliceValidation {
        var v = IssueCollector(ref: ref)
        v.checkMetadata(metadata, nameRule: NameRules.dns1123Subdomain)
        let family = v.sliceFamily(addressType)
        let ports = v.slicePorts(self.ports ?? [])
        let endpoints = family.map { v.sliceEndpoints(self.endpoints ?? [], family: $0) } ?? []
        guard !v.hasErrors, let family, let name = metadata.name else { return EndpointSliceValidation(model: nil, issues: v.issues) }
        if family == .fqdn {
            v.warn("addressType", "FQDN slices are not proxied: slice ignored")
            return EndpointSliceValidation(model: nil, issues: v.issues)
        }
        guard let svc = serviceName else {
            v.warn("metadata.labels", "no \(EndpointSlice.serviceNameLabel) label: slice ignored, as kube-proxy ignores it")
            return EndpointSliceValidation(model: nil, issues: v.issues)
        }
        let model = EndpointSliceModel(name: name, service: svc, addressFamily: family == .ipv4 ? .ipv4 : .ipv6,
                                       ports: ports, endpoints: endpoints)
        return EndpointSliceValidation(model: model, issues: v.issues)
    }
}

/// An EndpointSlice's `addressType`.
enum SliceAddressType { case ipv4, ipv6, fqdn }

extension IssueCollector {
    static let maxSlicePorts = 100
    static let maxSliceEndpoints = 1000
    static let maxEndpointAddresses = 100
    static let maxHints = 8

    mutating func sliceFamily(_ type: String?) -> SliceAddressType? {
        switch type ?? "" {
        case "IPv4": return .ipv4
        case "IPv6": return .ipv6
        case "FQDN": return .fqdn
        default:
            error("addressType", "unknown address type \(KubeIssue.quoted(type ?? "")) (want IPv4, IPv6 or FQDN)")
            return nil
        }
    }

    /// Ports: ≤ 100, names "" or DNS-1123 labels and unique, protocol, port 1-65535. A port
    /// without a number is valid but matches nothing; kube-proxy skips it, so it is left out.
    mutating func slicePorts(_ ports: [EndpointSlice.Port]) -> [EndpointSliceModel.Port] {
        if ports.count > Self.maxSlicePorts { error("ports", "more than \(Self.maxSlicePorts) ports"); return [] }
        var out: [EndpointSliceModel.Port] = []
        var names = Set<String>()
        for (i, p) in ports.enumerated() {
            let f = "ports[\(i)]"
            let name = p.name ?? ""
            if !name.isEmpty, !check(NameRules.dns1123Label(name), f + ".name", name) { continue }
            guard names.insert(name).inserted else { error(f + ".name", "duplicate port name \(KubeIssue.quoted(name))"); continue }
            guard let proto = proto(p.protocol, f + ".protocol") else { continue }
            guard let num = p.port, num != 0 else { continue }
            guard let portNum = port(num, f + ".port", in: 1...65535) else { continue }
            out.append(EndpointSliceModel.Port(name: name, proto: proto, port: portNum))
        }
        return out
    }

    /// Endpoints: ≤ 1000, each with 1-100 addresses of the slice's family that are not
    /// special-use, a DNS-1123 subdomain node name, label-value zone and hint names.
    mutating func sliceEndpoints(_ endpoints: [EndpointSlice.Endpoint], family: SliceAddressType) -> [EndpointSliceModel.Endpoint] {
        if endpoints.count > Self.maxSliceEndpoints { error("endpoints", "more than \(Self.maxSliceEndpoints) endpoints"); return [] }
        var out: [EndpointSliceModel.Endpoint] = []
        for (i, e) in endpoints.enumerated() {
            let f = "endpoints[\(i)]"
            let addresses = e.addresses ?? []
            guard (1...Self.maxEndpointAddresses).contains(addresses.count) else {
                error(f + ".addresses", "must hold 1-\(Self.maxEndpointAddresses) addresses (has \(addresses.count))"); continue
            }
            let ips = addresses.enumerated().compactMap { endpointAddress($1, "\(f).addresses[\($0)]", family) }
            guard ips.count == addresses.count, endpointNames(e, f) else { continue }
            let c = e.conditions
            out.append(EndpointSliceModel.Endpoint(
                address: ips[0], nodeName: e.nodeName, zone: e.zone,
                ready: c?.ready ?? true, serving: c?.serving ?? true, terminating: c?.terminating ?? false,
                zoneHints: Set(e.hints?.forZones?.map(\.name) ?? []),
                nodeHints: Set(e.hints?.forNodes?.map(\.name) ?? [])))
        }
        return out
    }

    private mutating func endpointAddress(_ text: String, _ field: String, _ family: SliceAddressType) -> IPAddress? {
        if family == .fqdn { return check(NameRules.dns1123Subdomain(text), field, text) ? .v4(0) : nil }
        guard let ip = address(text, field) else { return nil }
        guard ip.family == (family == .ipv4 ? .ipv4 : .ipv6) else {
            error(field, "\(KubeIssue.quoted(text)) is not an \(family == .ipv4 ? "IPv4" : "IPv6") address"); return nil
        }
        if let why = ip.specialUse { error(field, "\(ip) is \(why)"); return nil }
        return ip
    }

    private mutating func endpointNames(_ e: EndpointSlice.Endpoint, _ f: String) -> Bool {
        var ok = true
        if let node = e.nodeName { ok = check(NameRules.dns1123Subdomain(node), f + ".nodeName", node) && ok }
        if let zone = e.zone { ok = check(NameRules.labelValue(zone), f + ".zone", zone) && ok }
        let zones = e.hints?.forZones ?? [], nodes = e.hints?.forNodes ?? []
        if zones.count > Self.maxHints { error(f + ".hints.forZones", "more than \(Self.maxHints) hints"); ok = false }
        if nodes.count > Self.maxHints { error(f + ".hints.forNodes", "more than \(Self.maxHints) hints"); ok = false }
        for (i, z) in zones.enumerated() { ok = check(NameRules.labelValue(z.name), "\(f).hints.forZones[\(i)].name", z.name) && ok }
        for (i, n) in nodes.enumerated() { ok = check(NameRules.dns1123Subdomain(n.name), "\(f).hints.forNodes[\(i)].name", n.name) && ok }
        return ok
    }
}
