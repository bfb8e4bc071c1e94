/// kube-proxy's chain names: fixed chains and the hashed per-service / per-endpoint chains.
public enum KubeChains {
    public static let services = "KUBE-SERVICES"
    public static let externalServices = "KUBE-EXTERNAL-SERVICES"
    public static let nodePorts = "KUBE-NODEPORTS"
    public static let postrouting = "KUBE-POSTROUTING"
    public static let markMasq = "KUBE-MARK-MASQ"
    public static let forward = "KUBE-FORWARD"
    public static let proxyFirewall = "KUBE-PROXY-FIREWALL"
    public static let kubeletFirewall = "KUBE-FIREWALL"

    /// The fixed chains kube-proxy maintains in each table (none outside nat and filter).
    public static func fixed(in table: TableName) -> Set<String> {
        switch table {
        case .filter: return [services, externalServices, forward, nodePorts, proxyFirewall, kubeletFirewall]
        case .nat: return [services, nodePorts, postrouting, markMasq]
        default: return []
        }
    }

    /// Prefixes of the chains kube-proxy creates per service port / endpoint.
    public static let servicePrefixes = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"]

    /// First 16 characters of base32(sha256(text)).
    public static func hash16(_ text: String) -> String {
        var text = text
        return text.withUTF8 { Base32.prefix16(SHA256.digest(UnsafeRawBufferPointer($0))) }
    }

    /// `KUBE-SVC-…` for a service port name string (`ns/svc:port`) and lower-case protocol.
    public static func clusterPolicy(_ spn: String, _ proto: String) -> String { "KUBE-SVC-" + hash16(spn + proto) }
    public static func localPolicy(_ spn: String, _ proto: String) -> String { "KUBE-SVL-" + hash16(spn + proto) }
    public static func external(_ spn: String, _ proto: String) -> String { "KUBE-EXT-" + hash16(spn + proto) }
    public static func firewall(_ spn: String, _ proto: String) -> String { "KUBE-FW-" + hash16(spn + proto) }
    /// `KUBE-SEP-…`; `endpoint` is `ip:port` or `[ipv6]:port`.
    public static func endpoint(_ spn: String, _ proto: String, _ endpoint: String) -> String {
        "KUBE-SEP-" + hash16(spn + proto + endpoint)
    }

    /// True for chains kube-proxy creates per service (and deletes when stale).
    public static func isServiceChain(_ name: String) -> Bool {
        servicePrefixes.contains { name.hasPrefix($0) }
    }
}
