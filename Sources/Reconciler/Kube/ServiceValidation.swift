import Foundation

/// Result of validating a Service: a model, or nil when kube-proxy would not proxy it
/// (errors, or a headless/ExternalName service, which is skipped silently), plus issues found.
public struct ServiceValidation: Sendable {
    public var model: ServiceModel?
    public var issues: [KubeIssue]
}

extension Service {
    public var ref: ObjectRef { ObjectRef(kind: "Service", namespace: metadata.namespace, name: metadata.name) }

    /// Validates the fields kube-proxy uses. Problems the API server would reject are errors (the
    /// service is skipped); bad external IPs, ingress IPs and source ranges are warnings (dropped,
    /// as kube-proxy drops them).
    public func validate() -> ServiceValidation {
        var v = Validator(ref: ref)
        guard let name = metadata.name, !name.isEmpty else {
            v.error("metadata.name", "missing name")
            return ServiceValidation(model: nil, issues: v.issues)
        }
        let svcName = ServiceName(namespace: metadata.namespace ?? "default", name: name)
        guard let kind = v.serviceKind(spec.type) else { return ServiceValidation(model: nil, issues: v.issues) }
        let ips = v.clusterIPs(spec)
        let ports = v.ports(spec.ports ?? [])
        let affinity = v.affinity(spec)
        let eTP = v.policy(spec.externalTrafficPolicy, "spec.externalTrafficPolicy")
        let iTP = v.policy(spec.internalTrafficPolicy, "spec.internalTrafficPolicy")
        let hc = v.port(spec.healthCheckNodePort ?? 0, "spec.healthCheckNodePort", allowZero: true)
        let model = ServiceModel(
            name: svcName, kind: kind ?? .clusterIP, clusterIPs: ips ?? [], ports: ports,
            externalIPs: v.addresses(spec.externalIPs ?? [], "spec.externalIPs"),
            loadBalancerIPs: v.ingressIPs(status?.loadBalancer?.ingress ?? []),
            loadBalancerSourceRanges: v.sourceRanges(spec.loadBalancerSourceRanges ?? []),
            affinityTimeout: affinity, externalTrafficPolicyLocal: eTP == "Local",
            internalTrafficPolicyLocal: iTP == "Local", healthCheckNodePort: hc ?? 0)
        let skip = v.hasErrors || kind == nil || ips == nil
        return ServiceValidation(model: skip ? nil : model, issues: v.issues)
    }
}

/// Collects issues while checking one Service.
private struct Validator {
    let ref: ObjectRef
    var issues: [KubeIssue] = []
    var hasErrors: Bool { issues.contains { $0.severity == .error } }

    mutating func error(_ field: String, _ msg: String) { issues.append(KubeIssue(.error, ref, field: field, msg)) }
    mutating func warn(_ field: String, _ msg: String) { issues.append(KubeIssue(.warning, ref, field: field, msg)) }

    /// `.some(nil)` = ExternalName (skipped silently); nil = invalid.
    mutating func serviceKind(_ type: String?) -> ServiceModel.Kind?? {
        switch type ?? "" {
        case "", "ClusterIP": return .some(.clusterIP)
        case "NodePort": return .some(.nodePort)
        case "LoadBalancer": return .some(.loadBalancer)
        case "ExternalName": return .some(nil)
        default:
            error("spec.type", "unknown service type \"\(type ?? "")\"")
            return nil
        }
    }

    /// nil for a headless service (no cluster IP) or on error.
    mutating func clusterIPs(_ spec: Service.Spec) -> [IPAddress]? {
        let texts = (spec.clusterIPs?.isEmpty == false) ? spec.clusterIPs! : [spec.clusterIP ?? ""]
        if texts.first == "None" || texts.first == "" { return nil }
        var out: [IPAddress] = []
        for (i, t) in texts.enumerated() {
            let field = spec.clusterIPs?.isEmpty == false ? "spec.clusterIPs[\(i)]" : "spec.clusterIP"
            guard let ip = IPAddress(t) else { error(field, "invalid IP address \"\(t)\""); return nil }
            if out.contains(where: { $0.family == ip.family }) { error(field, "two cluster IPs of family \(ip.family.rawValue)"); return nil }
            out.append(ip)
        }
        return out
    }

    mutating func port(_ value: Int, _ field: String, allowZero: Bool) -> Int? {
        if (allowZero && value == 0) || (1...65535).contains(value) { return value }
        error(field, "port \(value) out of range \(allowZero ? 0 : 1)-65535")
        return nil
    }

    mutating func proto(_ text: String?, _ field: String) -> L4Protocol? {
        guard let text else { return .tcp }
        if let p = L4Protocol(rawValue: text) { return p }
        error(field, "unknown protocol \"\(text)\" (want TCP, UDP or SCTP)")
        return nil
    }

    mutating func ports(_ ports: [Service.Port]) -> [ServiceModel.Port] {
        var out: [ServiceModel.Port] = []
        for (i, p) in ports.enumerated() {
            let f = "spec.ports[\(i)]"
            guard let proto = proto(p.protocol, f + ".protocol") else { continue }
            guard let num = p.port else { error(f + ".port", "missing port"); continue }
            guard let portNum = self.port(num, f + ".port", allowZero: false),
                  let np = self.port(p.nodePort ?? 0, f + ".nodePort", allowZero: true) else { continue }
            let name = p.name ?? ""
            if out.contains(where: { $0.name == name }) {
                error(f + ".name", "duplicate port name \"\(name)\""); continue
            }
            if out.contains(where: { $0.port == portNum && $0.proto == proto }) {
                error(f, "duplicate port \(portNum)/\(proto.rawValue)"); continue
            }
            out.append(ServiceModel.Port(name: name, proto: proto, port: portNum, nodePort: np))
        }
        return out
    }

    mutating func affinity(_ spec: Service.Spec) -> Int? {
        switch spec.sessionAffinity ?? "" {
        case "", "None": return nil
        case "ClientIP":
            let t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800
            guard (1...86400).contains(t) else {
                error("spec.sessionAffinityConfig.clientIP.timeoutSeconds", "timeout \(t) out of range 1-86400")
                return nil
            }
            return t
        default:
            error("spec.sessionAffinity", "unknown session affinity \"\(spec.sessionAffinity!)\"")
            return nil
        }
    }

    mutating func policy(_ text: String?, _ field: String) -> String {
        switch text ?? "" {
        case "", "Cluster": return "Cluster"
        case "Local": return "Local"
        default:
            error(field, "unknown traffic policy \"\(text!)\" (want Cluster or Local)")
            return "Cluster"
        }
    }

    mutating func addresses(_ texts: [String], _ field: String) -> [IPAddress] {
        var out: [IPAddress] = []
        for (i, t) in texts.enumerated() {
            if let ip = IPAddress(t) { out.append(ip) } else { warn("\(field)[\(i)]", "invalid IP address \"\(t)\" ignored") }
        }
        return out
    }

    mutating func ingressIPs(_ ingress: [Service.Ingress]) -> [IPAddress] {
        var out: [IPAddress] = []
        for (i, ing) in ingress.enumerated() {
            guard let t = ing.ip, !t.isEmpty else { continue }
            if let mode = ing.ipMode, mode != "VIP" { continue }
            if let ip = IPAddress(t) { out.append(ip) } else {
                warn("status.loadBalancer.ingress[\(i)].ip", "invalid IP address \"\(t)\" ignored")
            }
        }
        return out
    }

    /// Trims whitespace (the API mistakenly allows it) and masks host bits, as kube-proxy does.
    mutating func sourceRanges(_ texts: [String]) -> [CIDR] {
        var out: [CIDR] = []
        for (i, t) in texts.enumerated() {
            let trimmed = t.trimmingCharacters(in: .whitespaces)
            if let c = CIDR.strict(trimmed) { out.append(c) } else {
                warn("spec.loadBalancerSourceRanges[\(i)]", "invalid CIDR \"\(t)\" ignored")
            }
        }
        return out
    }
}
