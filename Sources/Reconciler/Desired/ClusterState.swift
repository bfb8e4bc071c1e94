/// The validated Kubernetes objects desired state is computed from.
public struct ClusterState: Hashable, Sendable {
    public var services: [ServiceModel]
    public var slices: [EndpointSliceModel]

    public init(services: [ServiceModel] = [], slices: [EndpointSliceModel] = []) {
        self.services = services
        self.slices = slices
    }

    /// Validates raw objects; invalid ones are left out and reported, valid ones still count.
    public static func validating(services: [Service], slices: [EndpointSlice]) -> (ClusterState, [KubeIssue]) {
        var state = ClusterState()
        var issues: [KubeIssue] = []
        var seen = Set<ServiceName>()
        for s in services {
            let v = s.validate()
            issues += v.issues
            guard let m = v.model else { continue }
            if seen.insert(m.name).inserted { state.services.append(m) } else {
                issues.append(KubeIssue(.error, s.ref, field: "metadata.name", "duplicate Service: later copy ignored"))
            }
        }
        var seenSlices = Set<String>()
        for s in slices {
            let v = s.validate()
            issues += v.issues
            guard let m = v.model else { continue }
            if seenSlices.insert("\(m.service.namespace)/\(m.name)").inserted { state.slices.append(m) } else {
                issues.append(KubeIssue(.error, s.ref, field: "metadata.name", "duplicate EndpointSlice: later copy ignored"))
            }
        }
        return (state, issues)
    }

    /// Service ports of `family` with their merged endpoints, keyed by service.
    func servicePorts(settings: ProxySettings) -> [ServiceName: [(ServicePortInfo, [EndpointInfo])]] {
        let eps = EndpointsMapBuilder.build(slices: slices, family: settings.ipFamily, nodeName: settings.nodeName)
        var out: [ServiceName: [(ServicePortInfo, [EndpointInfo])]] = [:]
        for svc in services {
            let ports = svc.servicePorts(for: settings.ipFamily).sorted { $0.name < $1.name }
            if ports.isEmpty { continue }
            out[svc.name] = ports.map { ($0, eps[$0.name] ?? []) }
        }
        return out
    }
}
