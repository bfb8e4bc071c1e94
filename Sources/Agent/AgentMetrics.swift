public import Prometheus
import Synchronization
import Reconciler

/// kube-proxy's sync metrics under kube-proxy's names, plus the agent's own (`kpx_reconcile_*`).
public final class AgentMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let endpointChanges: Counter
    let serviceChanges: Counter
    let endpointChangesPending: Gauge
    let serviceChangesPending: Gauge
    let operations: ValueHistogram
    let operationsTotal: Counter
    let driftRepairs: Counter
    let driftEvents: Counter
    let generationConflicts: Counter
    let syncs: Counter
    let rereads: Counter
    let invalidObjects: Counter
    let conntrackDeleted: Counter
    let healthCheckBindFailures: Counter
    let healthzOK: Counter
    let healthzFailed: Counter
    let livezOK: Counter
    let livezFailed: Counter
    let process: ProcessMetrics
    let ctInvalidDropped: Counter
    let localhostNodePortsAccepted: Counter
    /// The `ip_family`-labelled series, per family (made at the first use of a family).
    private let familySeries = Mutex<[IPFamily: FamilyMetrics]>([:])
    /// Reads the nfacct packet counts at a scrape (set by the agent on a kernel backend).
    let accountingReader = Mutex<(@Sendable (String) -> UInt64?)?>(nil)
    private let accountingSeen = Mutex<[String: UInt64]>([:])

    /// kube-proxy: ExponentialBuckets(0.001, 2, 15).
    static let syncBuckets: [Duration] = (0..<15).map { .microseconds(1000 << $0) }
    /// kube-proxy's network-programming buckets (0.25 s .. 300 s).
    static let programmingBuckets: [Duration] = [0.25, 0.5].map { Duration.milliseconds(Int($0 * 1000)) }
        + (1...59).map { .seconds($0) } + (0..<12).map { .seconds(60 + 5 * $0) } + (0..<7).map { .seconds(120 + 30 * $0) }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let r = registry
        let d = Self.d
        endpointChanges = r.makeCounter(descriptor: d("kubeproxy_sync_proxy_rules_endpoint_changes_total", "Cumulative proxy rules Endpoint changes"))
        serviceChanges = r.makeCounter(descriptor: d("kubeproxy_sync_proxy_rules_service_changes_total", "Cumulative proxy rules Service changes"))
        endpointChangesPending = r.makeGauge(descriptor: d("kubeproxy_sync_proxy_rules_endpoint_changes_pending", "Pending proxy rules Endpoint changes"))
        serviceChangesPending = r.makeGauge(descriptor: d("kubeproxy_sync_proxy_rules_service_changes_pending", "Pending proxy rules Service changes"))
        operations = r.makeValueHistogram(descriptor: d("kpx_reconcile_sync_operations", "Rule and chain operations committed per sync"), buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000])
        operationsTotal = r.makeCounter(descriptor: d("kpx_reconcile_operations_total", "Rule and chain operations committed"))
        driftRepairs = r.makeCounter(descriptor: d("kpx_reconcile_drift_repairs_total", "Syncs that repaired rules changed by someone else"))
        driftEvents = r.makeCounter(descriptor: d("kpx_reconcile_drift_events_total", "Foreign nf_tables transactions seen in the tables we own rules in"))
        generationConflicts = r.makeCounter(descriptor: d("kpx_reconcile_generation_conflicts_total", "Commits refused with ERESTART and replanned"))
        syncs = r.makeCounter(descriptor: d("kpx_reconcile_syncs_total", "Syncs run"))
        rereads = r.makeCounter(descriptor: d("kpx_reconcile_full_reads_total", "Syncs that re-read the live tables"))
        conntrackDeleted = r.makeCounter(descriptor: d("kpx_reconcile_conntrack_entries_deleted_total", "Stale UDP conntrack entries deleted"))
        invalidObjects = r.makeCounter(descriptor: d("kpx_reconcile_invalid_objects_total", "API objects skipped as invalid"))
        healthCheckBindFailures = r.makeCounter(descriptor: d("kpx_reconcile_service_health_check_bind_failures_total", "Health check node ports that could not be bound"))
        healthzOK = r.makeCounter(descriptor: d("kubeproxy_proxy_healthz_total", "Cumulative proxy healthz HTTP status"), labels: [("code", "200")])
        healthzFailed = r.makeCounter(descriptor: d("kubeproxy_proxy_healthz_total", "Cumulative proxy healthz HTTP status"), labels: [("code", "503")])
        livezOK = r.makeCounter(descriptor: d("kubeproxy_proxy_livez_total", "Cumulative proxy livez HTTP status"), labels: [("code", "200")])
        livezFailed = r.makeCounter(descriptor: d("kubeproxy_proxy_livez_total", "Cumulative proxy livez HTTP status"), labels: [("code", "503")])
        process = ProcessMetrics(registry: r)
        ctInvalidDropped = r.makeCounter(descriptor: d("kubeproxy_iptables_ct_state_invalid_dropped_packets_total", "packets dropped by iptables to work around conntrack problems"))
        localhostNodePortsAccepted = r.makeCounter(descriptor: d("kubeproxy_iptables_localhost_nodeports_accepted_packets_total", "Number of packets accepted on nodeports of loopback interface"))
    }

    /// Brings the nfacct-backed counters up to the kernel's counts (a recreated object restarts them).
    func refreshAccounting() {
        guard let read = accountingReader.withLock({ $0 }) else { return }
        for (name, counter) in [(ProxySettings.ctStateInvalidCounter, ctInvalidDropped),
                                (ProxySettings.localhostNodePortCounter, localhostNodePortsAccepted)] {
            guard let now = read(name) else { continue }
            let before = accountingSeen.withLock { seen in defer { seen[name] = now }; return seen[name] ?? 0 }
            let delta = now >= before ? now - before : now
            if delta > 0 { counter.increment(by: Int64(clamping: delta)) }
        }
    }

    /// The series of `family` (kube-proxy's `ip_family` label).
    func family(_ family: IPFamily) -> FamilyMetrics {
        familySeries.withLock { series in
            if let existing = series[family] { return existing }
            let made = FamilyMetrics(family, registry: registry)
            series[family] = made
            return made
        }
    }

    /// `kpx_reconcile_build_info{version, revision} 1`.
    public func recordBuildInfo(version: String, revision: String) {
        registry.makeGauge(descriptor: Self.d("kpx_reconcile_build_info", "The version and git revision of the running binary"),
                           labels: [("version", version), ("revision", revision)]).set(to: 1)
    }

    static func d(_ name: String, _ help: String) -> MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }

    /// The exposition text.
    public func render() -> String {
        process.refresh()
        refreshAccounting()
        return registry.emitToString()
    }
}
