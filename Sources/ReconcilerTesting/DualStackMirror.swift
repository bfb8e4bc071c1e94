public import Reconciler

/// A generated cluster made dual-stack: every Service gets an IPv6 cluster IP (and IPv6
/// external / load-balancer IPs beside its IPv4 ones), every EndpointSlice an IPv6 twin, each
/// IPv4 address `a.b.c.d` becoming `fd00::a:b:c:d` (octets in hex). For benchmarks and tests of
/// the dual-stack paths at scale.
public enum DualStackMirror {
    /// The IPv6 twin of an IPv4 address.
    public static func ipv6(_ ipv4: String) -> String {
        "fd00::" + ipv4.split(separator: ".").map { String(UInt8($0) ?? 0, radix: 16) }.joined(separator: ":")
    }

    /// Settings for both families of the generated node (IPv4 first).
    public static var settings: [ProxySettings] {
        let v4 = ClusterGenerator.settings
        var v6 = v4
        v6.ipFamily = .ipv6
        let nodeIPs = [IPAddress(ClusterGenerator.nodeIP)!, IPAddress(ipv6(ClusterGenerator.nodeIP))!]
        v6.nodeIPs = nodeIPs
        v6.localDetector = .cidr(CIDR("fd00::a:0:0:0/80")!)  // the twin of 10.0.0.0/8
        var v4Dual = v4
        v4Dual.nodeIPs = nodeIPs
        return [v4Dual, v6]
    }

    public static func mirror(_ cluster: GeneratedCluster) -> GeneratedCluster {
        GeneratedCluster(services: cluster.services.map(mirror), slices: cluster.slices.flatMap(mirror))
    }

    /// A Service of both families.
    public static func mirror(_ service: Service) -> Service {
        var s = service
        if let ip = s.spec.clusterIP, ip != "None" {
            s.spec.clusterIPs = [ip, ipv6(ip)]
            s.spec.ipFamilies = ["IPv4", "IPv6"]
        }
        if let external = s.spec.externalIPs { s.spec.externalIPs = external + external.map(ipv6) }
        if let ingress = s.status?.loadBalancer?.ingress {
            s.status?.loadBalancer?.ingress = ingress + ingress.compactMap { $0.ip.map { Service.Ingress(ip: ipv6($0)) } }
        }
        return s
    }

    /// An IPv4 slice and its IPv6 twin (`<name>-v6`).
    public static func mirror(_ slice: EndpointSlice) -> [EndpointSlice] {
        var twin = slice
        twin.metadata.name = slice.metadata.name.map { $0 + "-v6" }
        twin.addressType = "IPv6"
        twin.endpoints = slice.endpoints?.map { endpoint in
            var e = endpoint
            e.addresses = endpoint.addresses?.map(ipv6)
            return e
        }
        return [slice, twin]
    }

    /// The same watch events for the dual-stack cluster.
    public static func mirror(_ changes: [ClusterChange]) -> [ClusterChange] {
        changes.flatMap { change -> [ClusterChange] in
            switch change {
            case .upsertService(let s): return [.upsertService(mirror(s))]
            case .deleteService: return [change]
            case .upsertSlice(let s): return mirror(s).map { .upsertSlice($0) }
            case .deleteSlice(let ns, let name): return [change, .deleteSlice(namespace: ns, name: name + "-v6")]
            }
        }
    }
}
