import Foundation

/// Result of validating a Service: a model, or nil when kube-proxy would not proxy it
/// (errors, or a headless/ExternalName service, which is skipped silently), plus issues found.
public struct ServiceValidation: Sendable {
    public var model: ServiceModel?
    public var issues: [KubeIssue]
}

extension Service {
    public var ref: ObjectRef {
        ObjectRef(kind: "Service", namespace: metadata.namespace, name: metadata.name, source: metadata.source)
    }

    /// Validates the Service as the API server would (k8s.io/kubernetes `ValidateService`, the
    /// fields kube-proxy reads). Any error skips the whole Service, so no rule is ever derived from
    /// an object the API server would refuse; every address is read once into its canonical value.
    public func validate() -> ServiceValidation {
        var v = IssueCollector(ref: ref)
        v.checkMetadata(metadata, nameRule: NameRules.dns1035Label)
        let kind = v.serviceKind(spec.type)
        let ips = v.clusterIPs(spec)
        let ports = v.servicePorts(spec.ports ?? [], clusterIPOnly: kind == .some(.clusterIP))
        let affinity = v.affinity(spec)
        let eTP = v.policy(spec.externalTrafficPolicy, "spec.externalTrafficPolicy")
        let iTP = v.policy(spec.internalTrafficPolicy, "spec.internalTrafficPolicy")
        let hc = v.port(spec.healthCheckNodePort ?? 0, "spec.healthCheckNodePort", in: 0...65535)
        let externalIPs = v.externalIPs(spec.externalIPs ?? [])
        let ingress = v.ingressIPs(status?.loadBalancer?.ingress ?? [])
        let ranges = v.sourceRanges(spec.loadBalancerSourceRanges ?? [])
        guard !v.hasErrors, let kind = kind ?? nil, let ips, let name = metadata.name else {
            return ServiceValidation(model: nil, issues: v.issues)
        }
        let model = ServiceModel(
            name: ServiceName(namespace: metadata.namespace ?? "default", name: name), kind: kind, clusterIPs: ips,
            ports: ports, externalIPs: externalIPs, loadBalancerIPs: ingress, loadBalancerSourceRanges: ranges,
            affinityTimeout: affinity, externalTrafficPolicyLocal: eTP == "Local",
            internalTrafficPolicyLocal: iTP == "Local", healthCheckNodePort: hc ?? 0)
        return ServiceValidation(model: model, issues: v.issues)
    }
}

extension IssueCollector {
    /// `.some(nil)` = ExternalName (skipped silently); nil = invalid.
    mutating func serviceKind(_ type: String?) -> ServiceModel.Kind?? {
        switch type ?? "" {
        case "", "ClusterIP": return .some(.clusterIP)
        case "NodePort": return .some(.nodePort)
        case "LoadBalancer": return .some(.loadBalancer)
        case "ExternalName": return .some(nil)
        default:
            error("spec.type", "unknown service type \(KubeIssue.quoted(type ?? ""))")
            return nil
        }
    }

    /// The cluster IPs, nil for a headless service (no cluster IP) or on error. `clusterIP` must
    /// equal `clusterIPs[0]`; at most one address per family; `ipFamilies` must match them.
    mutating func clusterIPs(_ spec: Service.Spec) -> [IPAddress]? {
        let fromList = spec.clusterIPs?.isEmpty == false
        let texts = fromList ? spec.clusterIPs! : [spec.clusterIP ?? ""]
        if fromList, let single = spec.clusterIP, !single.isEmpty, single != texts[0] {
            error("spec.clusterIPs[0]", "must equal spec.clusterIP \(KubeIssue.quoted(single))")
            return nil
        }
        if texts[0] == "None" || texts[0] == "" { return nil }
        guard texts.count <= 2 else { error("spec.clusterIPs", "at most two cluster IPs (one per family)"); return nil }
        var out: [IPAddress] = []
        for (i, t) in texts.enumerated() {
            let field = fromList ? "spec.clusterIPs[\(i)]" : "spec.clusterIP"
            guard let ip = address(t, field) else { return nil }
            if out.contains(where: { $0.family == ip.family }) { error(field, "two cluster IPs of family \(ip.family.rawValue)"); return nil }
            out.append(ip)
        }
        return ipFamiliesMatch(spec.ipFamilies ?? [], out) ? out : nil
    }

    private mutating func ipFamiliesMatch(_ families: [String], _ ips: [IPAddress]) -> Bool {
        guard families.count <= 2 else { error("spec.ipFamilies", "at most two IP families"); return false }
        for (i, f) in families.enumerated() {
            let want: IPFamily
            switch f {
            case "IPv4": want = .ipv4
            case "IPv6": want = .ipv6
            default: error("spec.ipFamilies[\(i)]", "unknown IP family \(KubeIssue.quoted(f)) (want IPv4 or IPv6)"); return false
            }
            if i < ips.count, ips[i].family != want {
                error("spec.ipFamilies[\(i)]", "\(f) does not match cluster IP \(ips[i])"); return false
            }
            if i == 1, families[0] == f { error("spec.ipFamilies[1]", "duplicate IP family \(f)"); return false }
        }
        return true
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
            error("spec.sessionAffinity", "unknown session affinity \(KubeIssue.quoted(spec.sessionAffinity!))")
            return nil
        }
    }

    mutating func policy(_ text: String?, _ field: String) -> String {
        switch text ?? "" {
        case "", "Cluster": return "Cluster"
        case "Local": return "Local"
        default:
            error(field, "unknown traffic policy \(KubeIssue.quoted(text!)) (want Cluster or Local)")
            return "Cluster"
        }
    }

    /// External IPs: valid addresses that are not special-use (`ValidateNonSpecialIP`).
    mutating func externalIPs(_ texts: [String]) -> [IPAddress] {
        var out: [IPAddress] = []
        for (i, t) in texts.enumerated() {
            guard let ip = address(t, "spec.externalIPs[\(i)]") else { continue }
            if let why = ip.specialUse { error("spec.externalIPs[\(i)]", "\(ip) is \(why)"); continue }
            out.append(ip)
        }
        return out
    }

    /// VIP-mode ingress IPs (`ipMode: Proxy` is left to the load balancer, as kube-proxy does).
    mutating func ingressIPs(_ ingress: [Service.Ingress]) -> [IPAddress] {
        var out: [IPAddress] = []
        for (i, ing) in ingress.enumerated() {
            let field = "status.loadBalancer.ingress[\(i)]"
            if let mode = ing.ipMode, mode != "VIP" && mode != "Proxy" {
                error(field + ".ipMode", "unknown mode \(KubeIssue.quoted(mode)) (want VIP or Proxy)"); continue
            }
            guard let t = ing.ip, !t.isEmpty else { continue }
            guard let ip = address(t, field + ".ip") else { continue }
            if ing.ipMode == nil || ing.ipMode == "VIP" { out.append(ip) }
        }
        return out
    }

    /// Source ranges: whitespace trimmed (the API allows it), host bits masked, as kube-proxy does.
    mutating func sourceRanges(_ texts: [String]) -> [CIDR] {
        var out: [CIDR] = []
        for (i, t) in texts.enumerated() {
            let trimmed = t.trimmingCharacters(in: .whitespaces)
            if let c = CIDR.kube(trimmed) { out.append(c) } else {
                error("spec.loadBalancerSourceRanges[\(i)]", "invalid CIDR \(KubeIssue.quoted(t))")
            }
        }
        return out
    }
}
