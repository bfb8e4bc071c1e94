import Foundation
import NetlinkBridge
public import Reconciler

/// The kernel settings kube-proxy makes in iptables mode (pkg/proxy/conntrack/sysctls.go and the
/// iptables proxier): conntrack limits and timeouts, `route_localnet` for localhost NodePorts.
public struct NodeSysctls: Sendable, Equatable {
    /// `KubeProxyConntrackConfiguration`; nil or 0 leaves the kernel's value.
    public struct Conntrack: Sendable, Equatable {
        public var maxPerCore: Int? = 32768
        public var min: Int? = 131072
        public var tcpEstablishedTimeout: Duration? = .seconds(86400)
        public var tcpCloseWaitTimeout: Duration? = .seconds(3600)
        public var tcpBeLiberal = false
        public var udpTimeout: Duration? = nil
        public var udpStreamTimeout: Duration? = nil
        public init() {}
    }

    /// One `/proc/sys` (or `/sys`) file and the value it must hold.
    public struct Setting: Sendable, Equatable {
        public var path: String
        public var value: Int
        /// Global to the machine (not per network namespace): written only from the initial one.
        public var global = false
    }

    /// What to write, in order: conntrack max (`max(maxPerCore × cpus, min)`) and its hash size
    /// (raised to max/4 when smaller), timeouts in seconds, be-liberal when asked, and
    /// `route_localnet=1` when localhost NodePorts are programmed.
    public static func settings(_ c: Conntrack, cpus: Int, routeLocalnet: Bool, currentHashsize: Int?) -> [Setting] {
        let nf = "/proc/sys/net/netfilter/"
        var out: [Setting] = []
        if let perCore = c.maxPerCore, perCore > 0 {
            let max = Swift.max(perCore * cpus, c.min ?? 0)
            out.append(Setting(path: nf + "nf_conntrack_max", value: max))
            if let hash = currentHashsize, hash < max / 4 {
                out.append(Setting(path: "/sys/module/nf_conntrack/parameters/hashsize", value: max / 4, global: true))
            }
        }
        func seconds(_ d: Duration?, _ name: String) {
            if let d, d.components.seconds > 0 { out.append(Setting(path: nf + name, value: Int(d.components.seconds))) }
        }
        seconds(c.tcpEstablishedTimeout, "nf_conntrack_tcp_timeout_established")
        seconds(c.tcpCloseWaitTimeout, "nf_conntrack_tcp_timeout_close_wait")
        if c.tcpBeLiberal { out.append(Setting(path: nf + "nf_conntrack_tcp_be_liberal", value: 1)) }
        seconds(c.udpTimeout, "nf_conntrack_udp_timeout")
        seconds(c.udpStreamTimeout, "nf_conntrack_udp_timeout_stream")
        if routeLocalnet { out.append(Setting(path: "/proc/sys/net/ipv4/conf/all/route_localnet", value: 1)) }
        return out
    }

    /// kube-proxy sets route_localnet only for IPv4 with localhost NodePorts on and the node-port
    /// addresses including loopback (true when none are given).
    public static func wantsRouteLocalnet(_ s: ProxySettings) -> Bool {
        guard s.ipFamily == .ipv4, s.localhostNodePorts else { return false }
        return NodePortAddresses(s.nodePortAddresses, family: .ipv4, primaryNodeIP: s.nodeIPs.first { $0.family == .ipv4 })
            .containsIPv4Loopback
    }

    /// Writes each setting that differs inside `netns` (nil: the agent's own). Returns one message
    /// per setting the kernel refused; a global setting outside the initial namespace is skipped.
    public static func apply(_ settings: [Setting], netns: String?) -> [String] {
        var problems: [String] = []
        do {
            try NetworkNamespace.with(netns) {
                let initial = inInitialNamespace()
                for s in settings {
                    if s.global && !initial { problems.append("\(s.path): not set (global; the agent is not in the initial network namespace)"); continue }
                    let current = (try? String(contentsOfFile: s.path, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                    if current == s.value { continue }
                    do { try "\(s.value)\n".write(toFile: s.path, atomically: false, encoding: .utf8) } catch {
                        problems.append("\(s.path) = \(s.value): \((error as NSError).localizedDescription)")
                    }
                }
            }
        } catch {
            problems.append("cannot enter \(netns ?? "the namespace"): \(error)")
        }
        return problems
    }

    /// The conntrack hash size now (a module parameter), if readable.
    public static func currentHashsize() -> Int? {
        (try? String(contentsOfFile: "/sys/module/nf_conntrack/parameters/hashsize", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    private static func inInitialNamespace() -> Bool {
        let mine = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self/ns/net")
        let first = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/1/ns/net")
        return mine != nil && mine == first
    }
}
