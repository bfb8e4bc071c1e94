public import KubeClient
public import Reconciler

/// How the agent runs: kube-proxy's sync periods and the node's proxy settings.
public struct AgentConfiguration: Sendable {
    /// The primary family's settings (node-wide duties: health checks, sysctls, logs).
    public var settings: ProxySettings {
        get { families[primaryIndex] }
        set { families[primaryIndex] = newValue }
    }
    /// Every family's settings, IPv4 first: one unless the node is dual-stack.
    public var families: [ProxySettings]
    /// Which of `families` is the primary one (kube-proxy's: the node IP's family).
    public var primaryIndex = 0
    /// The network namespace to program (nil: the agent's own, i.e. the node's with hostNetwork).
    public var netns: String?
    /// How change syncs are spaced: latency-first unless `--iptables-min-sync-period` was given.
    public var pacing: ChangePacing
    /// `--iptables-sync-period`: a full verification (re-read and repair) at least this often.
    public var syncPeriod: Duration
    /// Drift repairs are spaced at least this far apart (someone fighting us must not spin us).
    public var driftRepairSpacing: Duration
    /// Subscribe to nf_tables events to repair drift at once.
    public var watchDrift: Bool
    /// Retry spacing after a failed sync.
    public var retryBackoff: Backoff
    /// Take the topology zone from the node object (false when `--topology-zone` pinned it).
    public var followsNodeZone: Bool = true

    /// `minSyncPeriod` nil: latency-first pacing; a value: kube-proxy's min-sync-period.
    public init(settings: ProxySettings, netns: String? = nil, minSyncPeriod: Duration? = nil,
                syncPeriod: Duration = .seconds(30), driftRepairSpacing: Duration = .milliseconds(100),
                watchDrift: Bool = true, retryBackoff: Backoff? = nil) {
        self.families = [settings]
        self.netns = netns
        self.pacing = minSyncPeriod.map(ChangePacing.fixed) ?? .default
        self.syncPeriod = syncPeriod
        self.driftRepairSpacing = driftRepairSpacing
        self.watchDrift = watchDrift
        self.retryBackoff = retryBackoff ?? Backoff(base: pacing.retryBase, cap: syncPeriod)
    }
}

extension AgentConfiguration {
    /// Proxies every family of `node` (`NodeFamilies`), the primary's settings serving the node-wide duties.
    public mutating func proxy(_ node: NodeFamilies) {
        families = node.settings
        primaryIndex = node.settings.firstIndex { $0.ipFamily == node.primary } ?? 0
    }

    /// The settings of every family, each changed by `change` (e.g. the node's zone).
    public mutating func updateFamilies(_ change: (inout ProxySettings) -> Void) {
        for i in families.indices { change(&families[i]) }
    }
}

/// Why a sync ran.
public enum SyncReason: String, Sendable {
    /// The first sync after every source listed: full read.
    case initial
    /// Services or endpoints changed.
    case changes
    /// Someone else changed a table we own rules in.
    case drift
    /// The periodic verification (`--iptables-sync-period`): full read.
    case periodic
    /// The previous sync failed.
    case retry
}

/// What the agent has done so far (for tests, logs and status).
public struct AgentStats: Sendable, Equatable {
    public var syncs = 0
    public var commits = 0
    public var failures = 0
    public var driftRepairs = 0
    public var driftEvents = 0
    public var fullReads = 0
    /// Of the syncs that re-read: how many re-read only changed chains / whole tables.
    public var chainRereads = 0
    public var tableRereads = 0
    public var invalidObjects = 0
    public var lastReason: SyncReason?
    public var lastOperations = 0
    public init() {}
}
