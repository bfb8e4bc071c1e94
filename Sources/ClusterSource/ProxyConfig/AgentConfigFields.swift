/// The `KubeProxyConfiguration` fields that drive the agent itself (not the ruleset): sync
/// periods, bind addresses, the client connection's kubeconfig and the conntrack sysctls.
public struct AgentConfigFields: Sendable, Equatable {
    public var syncPeriod: Duration?
    public var minSyncPeriod: Duration?
    public var metricsBindAddress: String?
    public var healthzBindAddress: String?
    public var kubeconfig: String?
    public var bindAddressHardFail: Bool?
    /// `conntrack.*` (KubeProxyConntrackConfiguration), as given.
    public var conntrack = ConntrackFields()

    /// The `conntrack` fields of a KubeProxyConfiguration (durations already parsed).
    public struct ConntrackFields: Sendable, Equatable {
        public var maxPerCore: Int?
        public var min: Int?
        public var tcpEstablishedTimeout: Duration?
        public var tcpCloseWaitTimeout: Duration?
        public var tcpBeLiberal: Bool?
        public var udpTimeout: Duration?
        public var udpStreamTimeout: Duration?
        public init() {}
    }

    public init() {}

    /// The file's shape for these fields (durations as Go text).
    struct Document: Decodable {
        struct IPTables: Decodable { var syncPeriod: String?; var minSyncPeriod: String? }
        struct Client: Decodable { var kubeconfig: String? }
        struct Conntrack: Decodable {
            var maxPerCore: Int?, min: Int?, tcpEstablishedTimeout: String?, tcpCloseWaitTimeout: String?
            var tcpBeLiberal: Bool?, udpTimeout: String?, udpStreamTimeout: String?
        }
        var iptables: IPTables?
        var clientConnection: Client?
        var metricsBindAddress: String?
        var healthzBindAddress: String?
        var bindAddressHardFail: Bool?
        var conntrack: Conntrack?
    }

    init(_ doc: Document) throws(GoDuration.InvalidDuration) {
        syncPeriod = try doc.iptables?.syncPeriod.map(GoDuration.parse)
        // kube-proxy defaults a zero minSyncPeriod (kubeadm writes `0s`), so a zero here is "not
        // set": the agent's latency-first pacing.
        minSyncPeriod = try doc.iptables?.minSyncPeriod.map(GoDuration.parse).flatMap { $0 == .zero ? nil : $0 }
        metricsBindAddress = doc.metricsBindAddress.flatMap { $0.isEmpty ? nil : $0 }
        healthzBindAddress = doc.healthzBindAddress.flatMap { $0.isEmpty ? nil : $0 }
        kubeconfig = doc.clientConnection?.kubeconfig.flatMap { $0.isEmpty ? nil : $0 }
        bindAddressHardFail = doc.bindAddressHardFail
        if let c = doc.conntrack {
            conntrack.maxPerCore = c.maxPerCore
            conntrack.min = c.min
            conntrack.tcpEstablishedTimeout = try c.tcpEstablishedTimeout.map(GoDuration.parse)
            conntrack.tcpCloseWaitTimeout = try c.tcpCloseWaitTimeout.map(GoDuration.parse)
            conntrack.tcpBeLiberal = c.tcpBeLiberal
            conntrack.udpTimeout = try c.udpTimeout.map(GoDuration.parse)
            conntrack.udpStreamTimeout = try c.udpStreamTimeout.map(GoDuration.parse)
        }
    }
}
