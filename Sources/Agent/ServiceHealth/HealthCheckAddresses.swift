import NIOCore
import Reconciler

/// Where health-check node ports listen (kube-proxy's ServiceHealthServer): every address when
/// `--nodeport-addresses` has no CIDR of a family the node proxies, otherwise each local address
/// inside those CIDRs, read when the listeners open (falling back to every address when none
/// matches, as kube-proxy falls back when it cannot list them). "Every address" is `::` on a
/// dual-stack node (one socket for both families, as Go's wildcard listener in kube-proxy is) and
/// the family's wildcard on a single-stack one (so a node without IPv6 still binds).
enum HealthCheckAddresses {
    static func hosts(families: [ProxySettings]) -> @Sendable () -> [String] {
        let wildcard = families.contains { $0.ipFamily == .ipv6 } ? "::" : "0.0.0.0"
        let addresses = families.map { settings in
            NodePortAddresses(settings.nodePortAddresses, family: settings.ipFamily,
                              primaryNodeIP: settings.nodeIPs.first { $0.family == settings.ipFamily })
        }
        if addresses.isEmpty || addresses.contains(where: \.matchAll) { return { [wildcard] } }
        let cidrs = addresses.flatMap(\.cidrs)
        return {
            let local = ((try? System.enumerateDevices()) ?? []).compactMap { $0.address?.ipAddress }.compactMap(IPAddress.kube)
            let inside = Set(local.filter { ip in cidrs.contains { $0.contains(ip) } }.map(\.description))
            return inside.isEmpty ? [wildcard] : inside.sorted()
        }
    }
}
