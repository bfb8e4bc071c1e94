/// kube-proxy's `CleanStaleEntries` for UDP: a conntrack entry to a UDP service address or node
/// port whose reply comes from something that is no longer one of that service's endpoints is
/// stale (an endpoint went away, or traffic was black-holed before the first endpoint existed).
/// The endpoints are read from the rules we program (what the kernel actually does). The one
/// stale-UDP rule, for the CLI and the agent.
public struct UDPServiceTargets: Equatable, Sendable {
    public struct Address: Hashable, Sendable, CustomStringConvertible {
        public var ip: IPAddress
        public var port: UInt16
        public init(ip: IPAddress, port: UInt16) {
            self.ip = ip
            self.port = port
        }
        public var description: String { ip.family == .ipv6 ? "[\(ip)]:\(port)" : "\(ip):\(port)" }
    }

    /// One UDP conntrack entry as the rule sees it: where the client sent it, who answers.
    public struct Flow: Hashable, Sendable {
        public var destination: Address
        public var replySource: Address
        public init(destination: Address, replySource: Address) {
            self.destination = destination
            self.replySource = replySource
        }
    }

    /// Service IP:port (cluster, external and load-balancer IPs) -> endpoint IP:port.
    public private(set) var services: [Address: Set<Address>] = [:]
    /// Node port -> endpoint IP:port.
    public private(set) var nodePorts: [UInt16: Set<Address>] = [:]

    public var isEmpty: Bool { services.isEmpty && nodePorts.isEmpty }

    /// UDP targets with at least one endpoint, from the nat table of `ruleset`.
    public init(_ ruleset: Ruleset) {
        guard let nat = ruleset.tables.first(where: { $0.name == .nat }) else { return }
        let chains = Dictionary(nat.chains.map { ($0.name, $0.rules) }, uniquingKeysWith: { a, _ in a })
        func endpoints(_ chain: String, _ seen: inout Set<String>) -> Set<Address> {
            guard seen.insert(chain).inserted, let rules = chains[chain] else { return [] }
            var out = Set<Address>()
            for rule in rules {
                if case .dnat(let t) = rule.target, let ip = t.minAddress, let port = t.ports?.low { out.insert(Address(ip: ip, port: port)) }
                if let next = rule.targetChain, KubeChains.servicePrefixes.contains(where: next.hasPrefix) {
                    out.formUnion(endpoints(next, &seen))
                }
            }
            return out
        }
        for rule in chains[KubeChains.services] ?? [] {
            guard let (port, chain) = Self.udpJump(rule), let d = rule.destination, !d.negated, d.cidr.prefix == d.cidr.address.bitWidth else { continue }
            var seen = Set<String>()
            let eps = endpoints(chain, &seen)
            if !eps.isEmpty { services[Address(ip: d.cidr.address, port: port), default: []].formUnion(eps) }
        }
        for rule in chains[KubeChains.nodePorts] ?? [] {
            guard let (port, chain) = Self.udpJump(rule) else { continue }
            var seen = Set<String>()
            let eps = endpoints(chain, &seen)
            if !eps.isEmpty { nodePorts[port, default: []].formUnion(eps) }
        }
    }

    /// `-p udp ... --dport P -j CHAIN` -> (P, CHAIN).
    static func udpJump(_ rule: Rule) -> (UInt16, String)? {
        guard rule.proto?.number == 17, rule.proto?.negated == false, let chain = rule.targetChain else { return nil }
        for case .udp(let ports) in rule.matches {
            if let d = ports.destination, !d.negated, d.range.low == d.range.high { return (d.range.low, chain) }
        }
        return nil
    }

    /// Whether a UDP flow is stale: sent to a service address or node port that has endpoints,
    /// answered by something that is not one of them.
    public func isStale(_ flow: Flow) -> Bool {
        if let eps = services[flow.destination] { return !eps.contains(flow.replySource) }
        if let eps = nodePorts[flow.destination.port] { return !eps.contains(flow.replySource) }
        return false
    }
}
