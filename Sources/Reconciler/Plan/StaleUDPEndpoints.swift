/// A UDP endpoint that traffic is DNATed to (`ip:port` of a KUBE-SEP chain).
public struct UDPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String { address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)" }
}

/// UDP endpoints the live rules send traffic to and the desired rules no longer do. After the
/// commit their conntrack entries must go, as kube-proxy deletes them: UDP has no connection
/// end, so a client that keeps its source port would keep reaching a removed endpoint through
/// its conntrack entry until that times out (30-120 s).
public enum StaleUDPEndpoints {
    public static func between(live: Ruleset, desired: Ruleset) -> Set<UDPEndpoint> {
        targets(live).subtracting(targets(desired))
    }

    /// The DNAT destinations of UDP rules in nat KUBE-SEP-* chains.
    static func targets(_ ruleset: Ruleset) -> Set<UDPEndpoint> {
        var out: Set<UDPEndpoint> = []
        for chain in ruleset[table: .nat]?.chains ?? [] where chain.name.hasPrefix("KUBE-SEP-") {
            for rule in chain.rules where rule.opaque == nil && rule.proto == .udp {
                guard case .dnat(let nat)? = rule.target, let address = nat.minAddress, let port = nat.ports?.low else { continue }
                out.insert(UDPEndpoint(address: address, port: port))
            }
        }
        return out
    }
}
