import Prometheus
import Reconciler

/// Keeps the health-check node ports and the no-local-endpoints gauges in step with the Services
/// just synced; a pass runs only when a change concerns a Service that has or had a port.
struct HealthCheckDuty {
    private var scope = DutyScope()
    /// Services the last pass looked at (a change to one of them needs a new pass).
    private var relevant: Set<ServiceName> = []

    /// Adds a sync's recomputed services (nil: all).
    mutating func changed(_ services: Set<ServiceName>?) { scope.add(services) }

    /// Opens, closes and updates the ports for `store`'s Services, if anything relevant changed:
    /// the ports answer with the primary family's local endpoints; the gauges count per family.
    mutating func run(_ store: ObjectStore, families: [ProxySettings], primary: Int, servers: ServiceHealthServers,
                      metrics: AgentMetrics) async {
        let before = relevant
        guard scope.take({ before.contains($0) || store.serviceModels[$0].map(Self.matters) ?? false }) else { return }
        relevant = Set(store.serviceModels.values.lazy.filter(Self.matters).map(\.name))
        let services = store.serviceModels.values, slices = store.sliceModels.values
        let settings = families[primary]
        await servers.sync(ServiceHealthChecks.targets(services: services, slices: slices,
                                                       family: settings.ipFamily, nodeName: settings.nodeName))
        for settings in families {
            let none = ServiceHealthChecks.portsWithoutLocalEndpoints(services: services, slices: slices,
                                                                      family: settings.ipFamily, nodeName: settings.nodeName)
            let gauges = metrics.family(settings.ipFamily)
            gauges.noLocalInternal.set(to: Double(none.internal))
            gauges.noLocalExternal.set(to: Double(none.external))
        }
    }

    /// Whether a Service can have a health-check port or count in the no-local-endpoints gauge.
    static func matters(_ service: ServiceModel) -> Bool {
        ServiceHealthChecks.needsHealthCheck(service) || service.internalTrafficPolicyLocal || service.externalPolicyLocal
    }
}
