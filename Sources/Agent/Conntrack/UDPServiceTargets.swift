import NetlinkBridge
import Reconciler

/// kube-proxy's `CleanStaleEntries` for UDP: a conntrack entry to a UDP service address or node
/// port whose reply comes from something that is no longer one of that service's endpoints is
/// stale (an endpoint went away, or traffic was black-holed before the first endpoint existed).
/// The endpoints are read from the rules we program (what the kernel actually does).
struct UDPServiceTargets: Equatable {
    struct Address: Hashable { var ip: IPAddress; var port: UInt16 }

    /// Service IP:port (cluster, external and load-balancer IPs) -> endpoint IP:port.
    var services: [Address: Set<Address>] = [:]
    /// Node port -> endpoint IP:port.
    var nodePorts: [UInt16: Set<Address>] = [:]

    var isEmpty: Bool { services.isEmpty && nodePorts.isEmpty }

    /// UDP targets with at least one endpoint, from the nat table of `ruleset`.
    init(_ ruleset: Ruleset) {
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

    /// The flows to delete.
    func stale(_ flows: [ConntrackFlow]) -> [ConntrackFlow] {
        flows.filter { flow in
            guard flow.original.proto == 17 else { return false }
            let replySource = Address(ip: flow.reply.source, port: flow.reply.sourcePort)
            if let eps = services[Address(ip: flow.original.destination, port: flow.original.destinationPort)] {
                return !eps.contains(replySource)
            }
            if let eps = nodePorts[flow.original.destinationPort] { return !eps.contains(replySource) }
            return false
        }
    }
}
