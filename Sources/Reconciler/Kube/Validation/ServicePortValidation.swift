extension IssueCollector {
    /// The Service's ports as the API server checks them (`validateServicePort`): names are
    /// DNS-1123 labels, required and unique when there are several; protocol, port and node port
    /// in range; no two ports with the same number and protocol; no node port on a ClusterIP
    /// Service; `targetPort` a port number or an IANA service name.
    mutating func servicePorts(_ ports: [Service.Port], clusterIPOnly: Bool) -> [ServiceModel.Port] {
        var out: [ServiceModel.Port] = []
        for (i, p) in ports.enumerated() {
            let f = "spec.ports[\(i)]"
            let name = p.name ?? ""
            if name.isEmpty, ports.count > 1 { error(f + ".name", "required when the Service has several ports"); continue }
            if !name.isEmpty, !check(NameRules.dns1123Label(name), f + ".name", name) { continue }
            guard let proto = proto(p.protocol, f + ".protocol") else { continue }
            guard let num = p.port else { error(f + ".port", "missing port"); continue }
            guard let portNum = port(num, f + ".port", in: 1...65535),
                  let nodePort = port(p.nodePort ?? 0, f + ".nodePort", in: 0...65535) else { continue }
            if nodePort != 0, clusterIPOnly { error(f + ".nodePort", "may not be used when type is ClusterIP"); continue }
            guard targetPort(p.targetPort, f + ".targetPort") else { continue }
            if out.contains(where: { $0.name == name }) { error(f + ".name", "duplicate port name \(KubeIssue.quoted(name))"); continue }
            if out.contains(where: { $0.port == portNum && $0.proto == proto }) {
                error(f, "duplicate port \(portNum)/\(proto.rawValue)"); continue
            }
            out.append(ServiceModel.Port(name: name, proto: proto, port: portNum, nodePort: nodePort))
        }
        return out
    }

    private mutating func targetPort(_ value: IntOrString?, _ field: String) -> Bool {
        switch value {
        case nil: return true
        case .int(let n): return n == 0 || port(n, field, in: 1...65535) != nil
        case .string(let s): return s.isEmpty || check(NameRules.ianaServiceName(s), field, s)
        }
    }
}
