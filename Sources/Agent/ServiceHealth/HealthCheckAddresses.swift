import NIOCore
import Reconciler

/// Where health-check node ports listen (kube-proxy's ServiceHealthServer): every address when
/// `--nodeport-addresses` has no CIDR of the family, otherwise each local address inside those
/// CIDRs, read when the listeners open (falling back to every address when none matches, as
/// kube-proxy falls back when it cannot list them).
enum HealthCheckAddresses {
    static func hosts(settings: ProxySettings) -> @Sendable () -> [String] {
        let family = settings.ipFamily
        let wildcard = family == .ipv4 ? "0.0.0.0" : "::"
        let addresses = NodePortAddresses(settings.nodePortAddresses, family: family,
                                          primaryNodeIP: settings.nodeIPs.first { $0.family == family })
        if addresses.matchAll { return { [wildcard] } }
        let cidrs = addresses.cidrs
        return {
            let local = ((try? System.enumerateDevices()) ?? []).compactMap { $0.address?.ipAddress }.compactMap(IPAddress.kube)
            let inside = Set(local.filter { ip in cidrs.contains { $0.contains(ip) } }.map(\.description))
            return inside.isEmpty ? [wildcard] : inside.sorted()
        }
    }
}
