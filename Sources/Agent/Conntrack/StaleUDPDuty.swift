import Prometheus
import Logging
import NetlinkBridge
import Reconciler

/// Deletes the conntrack entries of UDP services whose endpoints they no longer go to (kube-proxy's
/// `CleanStaleEntries`), after a commit that changed a UDP Service; the walk of the kernel's whole
/// conntrack table runs only when the programmed UDP targets changed since the last clean-up.
struct StaleUDPDuty {
    let netns: String?
    let family: IPFamily
    private var scope = DutyScope()
    /// ctnetlink, opened on first use (again after a failure).
    private var conntrack: ConntrackClient?
    /// The UDP targets of the last successful clean-up.
    private var cleaned: UDPServiceTargets?

    init(netns: String?, family: IPFamily) {
        self.netns = netns
        self.family = family
    }

    /// Adds a sync's recomputed services (nil: all).
    mutating func changed(_ services: Set<ServiceName>?) { scope.add(services) }

    /// After a commit of `desired`: cleans up if a changed Service is (or was) a UDP one.
    mutating func run(_ desired: Ruleset, store: ObjectStore, metrics: AgentMetrics, logger: Logger) {
        guard scope.take({ store.serviceModels[$0]?.ports.contains { $0.proto == .udp } ?? true }) else { return }
        let targets = UDPServiceTargets(desired)
        guard !targets.isEmpty, targets != cleaned else { return }
        let started = ContinuousClock.now
        let series = metrics.family(family)
        defer { series.conntrackReconcileDuration.record(ContinuousClock.now - started) }
        do {
            if conntrack == nil { conntrack = try ConntrackClient(netns: netns) }
            let stale = try conntrack!.deleteStaleUDPFlows(targets, family: family)
            cleaned = targets
            if !stale.isEmpty {
                metrics.conntrackDeleted.increment(by: Int64(stale.count))
                series.conntrackReconcileDeleted.increment(by: Int64(stale.count))
                logger.info("deleted stale UDP conntrack entries", metadata: ["count": "\(stale.count)"])
            }
        } catch {
            conntrack = nil
            scope.add(nil)
            logger.warning("UDP conntrack cleanup failed", metadata: ["error": "\(error)"])
        }
    }
}
