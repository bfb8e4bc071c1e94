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
        for s in services {
            let v = s.validate()
            issues += v.issues
            if let m = v.model { state.services.append(m) }
        }
        for s in slices {
            let v = s.validate()
            issues += v.issues
            if let m = v.model { state.slices.append(m) }
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
