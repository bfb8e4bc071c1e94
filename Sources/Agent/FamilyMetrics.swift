import Prometheus
import Reconciler

/// The series kube-proxy labels with `ip_family` (one set per family the agent proxies; a
/// dual-stack node reports both): sync durations, the last sync and queue times, rule counts,
/// restore failures, network-programming latency, services without local endpoints and the
/// conntrack reconciler's.
final class FamilyMetrics: Sendable {
    let syncDuration: DurationHistogram
    let fullSyncDuration: DurationHistogram
    let partialSyncDuration: DurationHistogram
    let lastTimestamp: Gauge
    let rulesNat: Gauge
    let rulesFilter: Gauge
    let rulesLastNat: Gauge
    let rulesLastFilter: Gauge
    let restoreFailures: Counter
    let partialRestoreFailures: Counter
    let lastQueuedTimestamp: Gauge
    let networkProgramming: DurationHistogram
    let noLocalInternal: Gauge
    let noLocalExternal: Gauge
    let conntrackReconcileDuration: DurationHistogram
    let conntrackReconcileDeleted: Counter

    init(_ family: IPFamily, registry r: PrometheusCollectorRegistry) {
        let d = AgentMetrics.d
        let f = ("ip_family", family == .ipv4 ? "IPv4" : "IPv6")
        syncDuration = r.makeDurationHistogram(descriptor: d("kubeproxy_sync_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds"),
                                               labels: [f], buckets: AgentMetrics.syncBuckets)
        fullSyncDuration = r.makeDurationHistogram(descriptor: d("kubeproxy_sync_full_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for full resyncs"),
                                                   labels: [f], buckets: AgentMetrics.syncBuckets)
        partialSyncDuration = r.makeDurationHistogram(descriptor: d("kubeproxy_sync_partial_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for partial resyncs"),
                                                      labels: [f], buckets: AgentMetrics.syncBuckets)
        lastTimestamp = r.makeGauge(descriptor: d("kubeproxy_sync_proxy_rules_last_timestamp_seconds", "The last time proxy rules were successfully synced"), labels: [f])
        let total = d("kubeproxy_sync_proxy_rules_iptables_total", "Total number of iptables rules owned by kube-proxy")
        rulesNat = r.makeGauge(descriptor: total, labels: [("table", "nat"), f])
        rulesFilter = r.makeGauge(descriptor: total, labels: [("table", "filter"), f])
        let last = d("kubeproxy_sync_proxy_rules_iptables_last", "Number of iptables rules written by kube-proxy in last sync")
        rulesLastNat = r.makeGauge(descriptor: last, labels: [("table", "nat"), f])
        rulesLastFilter = r.makeGauge(descriptor: last, labels: [("table", "filter"), f])
        restoreFailures = r.makeCounter(descriptor: d("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "Cumulative proxy iptables restore failures"), labels: [f])
        partialRestoreFailures = r.makeCounter(descriptor: d("kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total", "Cumulative proxy iptables partial restore failures"),
                                               labels: [f])
        lastQueuedTimestamp = r.makeGauge(descriptor: d("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", "The last time a sync of proxy rules was queued"), labels: [f])
        networkProgramming = r.makeDurationHistogram(descriptor: d("kubeproxy_network_programming_duration_seconds", "In Cluster Network Programming Latency in seconds"),
                                                     labels: [f], buckets: AgentMetrics.programmingBuckets)
        let noLocal = d("kubeproxy_sync_proxy_rules_no_local_endpoints_total", "Number of services with a Local traffic policy and no endpoints")
        noLocalInternal = r.makeGauge(descriptor: noLocal, labels: [("traffic_policy", "internal"), f])
        noLocalExternal = r.makeGauge(descriptor: noLocal, labels: [("traffic_policy", "external"), f])
        conntrackReconcileDuration = r.makeDurationHistogram(descriptor: d("kubeproxy_conntrack_reconciler_sync_duration_seconds", "ReconcileConntrackFlowsLatency latency in seconds"),
                                                             labels: [f], buckets: AgentMetrics.syncBuckets)
        conntrackReconcileDeleted = r.makeCounter(descriptor: d("kubeproxy_conntrack_reconciler_deleted_entries_total", "Cumulative conntrack flows deleted by conntrack reconciler"), labels: [f])
    }

    /// Rules written by the last sync, per table (inserted and replaced rules).
    func recordRulesWritten(_ plan: Plan) {
        var nat = 0, filter = 0
        for op in plan.operations {
            switch op {
            case .insertRule(let t, _, _, _), .replaceRule(let t, _, _, _, _):
                if t == .nat { nat += 1 } else if t == .filter { filter += 1 }
            default: break
            }
        }
        rulesLastNat.set(to: Double(nat))
        rulesLastFilter.set(to: Double(filter))
    }

    /// Rule counts of the tables we program.
    func recordRuleCounts(_ ruleset: Ruleset) {
        for table in ruleset.tables {
            let count = table.chains.reduce(0) { $0 + $1.rules.count }
            if table.name == .nat { rulesNat.set(to: Double(count)) }
            if table.name == .filter { rulesFilter.set(to: Double(count)) }
        }
    }
}
