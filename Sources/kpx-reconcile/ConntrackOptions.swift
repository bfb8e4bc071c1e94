import Agent
import ArgumentParser
import ClusterSource
import KubeClient

/// kube-proxy's conntrack flags (KubeProxyConntrackConfiguration); flags win over `--config`.
struct ConntrackOptions: ParsableArguments {
    @Option(name: .customLong("conntrack-max-per-core"), help: "Maximum conntrack entries per CPU (default 32768; 0 leaves the limit).")
    var maxPerCore: Int?

    @Option(name: .customLong("conntrack-min"), help: "Minimum conntrack entries, whatever the CPUs (default 131072).")
    var min: Int?

    @Option(name: .customLong("conntrack-tcp-timeout-established"), help: "Idle timeout of established TCP connections (default 24h0m0s; 0 leaves it).")
    var tcpEstablished: String?

    @Option(name: .customLong("conntrack-tcp-timeout-close-wait"), help: "NAT timeout of TCP connections in CLOSE_WAIT (default 1h0m0s).")
    var tcpCloseWait: String?

    @Option(name: .customLong("conntrack-udp-timeout"), help: "Idle timeout of UNREPLIED UDP connections (default: leave the kernel's).")
    var udpTimeout: String?

    @Option(name: .customLong("conntrack-udp-timeout-stream"), help: "Idle timeout of ASSURED UDP connections (default: leave the kernel's).")
    var udpStreamTimeout: String?

    /// The settings to write: flags, then the config file's `conntrack`, then kube-proxy's defaults.
    func resolve(file: AgentConfigFields.ConntrackFields, beLiberal: Bool) throws -> NodeSysctls.Conntrack {
        var c = NodeSysctls.Conntrack()
        for value in [maxPerCore, min].compactMap({ $0 }) where value < 0 {
            throw ValidationError("conntrack limits must be greater than or equal to 0, got \(value)")
        }
        c.maxPerCore = maxPerCore ?? file.maxPerCore ?? c.maxPerCore
        c.min = min ?? file.min ?? c.min
        c.tcpEstablishedTimeout = try tcpEstablished.map(GoDuration.parse) ?? file.tcpEstablishedTimeout ?? c.tcpEstablishedTimeout
        c.tcpCloseWaitTimeout = try tcpCloseWait.map(GoDuration.parse) ?? file.tcpCloseWaitTimeout ?? c.tcpCloseWaitTimeout
        c.udpTimeout = try udpTimeout.map(GoDuration.parse) ?? file.udpTimeout
        c.udpStreamTimeout = try udpStreamTimeout.map(GoDuration.parse) ?? file.udpStreamTimeout
        c.tcpBeLiberal = beLiberal || (file.tcpBeLiberal ?? false)
        return c
    }
}
