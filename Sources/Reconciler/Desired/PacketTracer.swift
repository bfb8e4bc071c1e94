/// Traces a packet through a ruleset the way kube-proxy's unit tests do (proxier_test.go
/// `tracePacket`): nat PREROUTING (a DNAT ends it and rewrites the destination), then the filter
/// chains KUBE-SERVICES, KUBE-EXTERNAL-SERVICES, KUBE-NODEPORTS, KUBE-PROXY-FIREWALL.
/// `--rcheck`, `--mark` and `--ctstate` never match; a jump carrying a probability does not end
/// the chain, so every reachable endpoint is reported. Anything it does not understand throws.
public struct PacketTracer: Sendable {
    public struct Packet: Hashable, Sendable {
        public var source: IPAddress
        public var proto: L4Protocol
        public var destination: IPAddress
        public var destinationPort: Int

        public init(source: IPAddress, proto: L4Protocol, destination: IPAddress, destinationPort: Int) {
            self.source = source
            self.proto = proto
            self.destination = destination
            self.destinationPort = destinationPort
        }
    }

    public struct Result: Hashable, Sendable {
        /// DNAT destinations (`ip:port`) or `ACCEPT`/`DROP`/`REJECT`, joined with `, `; "" if nothing matched.
        public var output: String
        /// Whether KUBE-MARK-MASQ was reached.
        public var masquerade: Bool
        /// `table/chain#index` of every rule that matched, in order.
        public var matched: [String]
    }

    public struct TraceError: Error, Hashable, Sendable, CustomStringConvertible {
        public var table: TableName
        public var chain: String
        public var ruleIndex: Int
        public var message: String
        public var description: String { "\(table.rawValue) \(chain) rule \(ruleIndex): \(message)" }
    }

    public let ruleset: Ruleset
    /// Addresses `-m addrtype --src-type/--dst-type LOCAL` treats as local.
    public let localAddresses: Set<IPAddress>

    public init(ruleset: Ruleset, localAddresses: Set<IPAddress>) {
        self.ruleset = ruleset
        self.localAddresses = localAddresses
    }

    public func trace(_ packet: Packet) throws -> Result {
        var run = TraceRun(tracer: self, packet: packet)
        _ = try run.chain(.nat, "PREROUTING", depth: 0)
        if let first = run.outputs.first, let ip = PacketTracer.address(ofEndpoint: first) {
            run.packet.destination = ip
        }
        for chain in [KubeChains.services, KubeChains.externalServices, KubeChains.nodePorts, KubeChains.proxyFirewall] {
            _ = try run.chain(.filter, chain, depth: 0)
        }
        return Result(output: run.outputs.joined(separator: ", "), masquerade: run.masquerade, matched: run.matched)
    }

    /// The address part of `ip:port` / `[ip6]:port`.
    static func address(ofEndpoint text: String) -> IPAddress? {
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            return IPAddress(text[text.index(after: text.startIndex)..<end])
        }
        return IPAddress(text.split(separator: ":").first ?? "")
    }
}

/// Mutable state of one trace.
struct TraceRun {
    let tracer: PacketTracer
    var packet: PacketTracer.Packet
    var outputs: [String] = []
    var masquerade = false
    var matched: [String] = []

    /// Runs `name`; true when a terminating verdict or DNAT was reached.
    mutating func chain(_ table: TableName, _ name: String, depth: Int) throws -> Bool {
        guard depth < 64 else { throw PacketTracer.TraceError(table: table, chain: name, ruleIndex: 0, message: "jump loop") }
        guard let chain = tracer.ruleset[table: table]?[chain: name] else {
            throw PacketTracer.TraceError(table: table, chain: name, ruleIndex: 0, message: "no such chain")
        }
        for (i, rule) in chain.rules.enumerated() {
            func fail(_ msg: String) -> PacketTracer.TraceError {
                PacketTracer.TraceError(table: table, chain: name, ruleIndex: i, message: msg)
            }
            guard rule.target != nil else { continue }
            guard try RuleEvaluator(tracer: tracer, packet: packet).matches(rule, fail) else { continue }
            matched.append("\(table.rawValue)/\(name)#\(i)")
            switch rule.target! {
            case .jump(KubeChains.markMasq): masquerade = true
            case .accept: outputs.append("ACCEPT"); return true
            case .drop: outputs.append("DROP"); return true
            case .reject: outputs.append("REJECT"); return true
            case .dnat(let n): outputs.append(KubeProxyTextWriter.natDestination(n)); return true
            case .return: return false
            case .jump(let next):
                let terminated = try self.chain(table, next, depth: depth + 1)
                if terminated && !RuleEvaluator.hasProbability(rule) { return true }
            default: throw fail("target \(rule.target!.name) not supported by the tracer")
            }
        }
        return false
    }
}
