import Prometheus
import Reconciler

/// kube-proxy's sync metrics under kube-proxy's names, plus the agent's own (`kpx_reconcile_*`).
public final class AgentMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let syncDuration: DurationHistogram
    let fullSyncDuration: DurationHistogram
    let partialSyncDuration: DurationHistogram
    let networkProgramming: DurationHistogram
    let lastTimestamp: Gauge
    let lastQueuedTimestamp: Gauge
    let rulesNat: Gauge
    let rulesFilter: Gauge
    let endpointChanges: Counter
    let serviceChanges: Counter
    let endpointChangesPending: Gauge
    let serviceChangesPending: Gauge
    let restoreFailures: Counter
    let partialRestoreFailures: Counter
    let operations: ValueHistogram
    let operationsTotal: Counter
    let driftRepairs: Counter
    let driftEvents: Counter
    let generationConflicts: Counter
    let syncs: Counter
    let rereads: Counter
    let invalidObjects: Counter
    let conntrackDeleted: Counter

    /// kube-proxy: ExponentialBuckets(0.001, 2, 15).
    static let syncBuckets: [Duration] = (0..<15).map { .microseconds(1000 << $0) }
    /// kube-proxy's network-programming buckets (0.25 s .. 300 s).
    static let programmingBuckets: [Duration] = [0.25, 0.5].map { Duration.milliseconds(Int($0 * 1000)) }
        + (1...59).map { .seconds($0) } + (0..<12).map { .seconds(60 + 5 * $0) } + (0..<7).map { .seconds(120 + 30 * $0) }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let r = registry
        syncDuration = r.makeDurationHistogram(name: "kubeproxy_sync_proxy_rules_duration_seconds", buckets: Self.syncBuckets,
                                               help: "SyncProxyRules latency in seconds")
        fullSyncDuration = r.makeDurationHistogram(name: "kubeproxy_sync_full_proxy_rules_duration_seconds", buckets: Self.syncBuckets,
                                                   help: "SyncProxyRules latency in seconds for full resyncs")
        partialSyncDuration = r.makeDurationHistogram(name: "kubeproxy_sync_partial_proxy_rules_duration_seconds", buckets: Self.syncBuckets,
                                                      help: "SyncProxyRules latency in seconds for partial resyncs")
        networkProgramming = r.makeDurationHistogram(name: "kubeproxy_network_programming_duration_seconds", buckets: Self.programmingBuckets,
                                                     help: "In Cluster Network Programming Latency in seconds")
        lastTimestamp = r.makeGauge(name: "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
                                    help: "The last time proxy rules were successfully synced")
        lastQueuedTimestamp = r.makeGauge(name: "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds",
                                          help: "The last time a sync of proxy rules was queued")
        rulesNat = r.makeGauge(name: "kubeproxy_sync_proxy_rules_iptables_total", labels: [("table", "nat")],
                               help: "Total number of iptables rules owned by kube-proxy")
        rulesFilter = r.makeGauge(name: "kubeproxy_sync_proxy_rules_iptables_total", labels: [("table", "filter")],
                                  help: "Total number of iptables rules owned by kube-proxy")
        endpointChanges = r.makeCounter(name: "kubeproxy_sync_proxy_rules_endpoint_changes_total", help: "Cumulative proxy rules Endpoint changes")
        serviceChanges = r.makeCounter(name: "kubeproxy_sync_proxy_rules_service_changes_total", help: "Cumulative proxy rules Service changes")
        endpointChangesPending = r.makeGauge(name: "kubeproxy_sync_proxy_rules_endpoint_changes_pending", help: "Pending proxy rules Endpoint changes")
        serviceChangesPending = r.makeGauge(name: "kubeproxy_sync_proxy_rules_service_changes_pending", help: "Pending proxy rules Service changes")
        restoreFailures = r.makeCounter(name: "kubeproxy_sync_proxy_rules_iptables_restore_failures_total",
                                        help: "Cumulative proxy iptables restore failures")
        partialRestoreFailures = r.makeCounter(name: "kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total",
                                               help: "Cumulative proxy iptables partial restore failures")
        operations = r.makeValueHistogram(name: "kpx_reconcile_sync_operations", buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000],
                                          help: "Rule and chain operations committed per sync")
        operationsTotal = r.makeCounter(name: "kpx_reconcile_operations_total", help: "Rule and chain operations committed")
        driftRepairs = r.makeCounter(name: "kpx_reconcile_drift_repairs_total", help: "Syncs that repaired rules changed by someone else")
        driftEvents = r.makeCounter(name: "kpx_reconcile_drift_events_total", help: "Foreign nf_tables transactions seen in the tables we own rules in")
        generationConflicts = r.makeCounter(name: "kpx_reconcile_generation_conflicts_total", help: "Commits refused with ERESTART and replanned")
        syncs = r.makeCounter(name: "kpx_reconcile_syncs_total", help: "Syncs run")
        rereads = r.makeCounter(name: "kpx_reconcile_full_reads_total", help: "Syncs that re-read the live tables")
        conntrackDeleted = r.makeCounter(name: "kpx_reconcile_conntrack_entries_deleted_total", help: "Stale UDP conntrack entries deleted")
        invalidObjects = r.makeCounter(name: "kpx_reconcile_invalid_objects_total", help: "API objects skipped as invalid")
    }

    /// Rule counts of the tables we program.
    func recordRuleCounts(_ ruleset: Ruleset) {
        for table in ruleset.tables {
            let count = table.chains.reduce(0) { $0 + $1.rules.count }
            if table.name == .nat { rulesNat.set(to: Double(count)) }
            if table.name == .filter { rulesFilter.set(to: Double(count)) }
        }
    }

    /// The exposition text.
    public func render() -> String { registry.emitToString() }
}
