/// The packet `kpx-reconcile trace` follows: the first packet of a new connection.
public struct TracePacket: Hashable, Sendable {
    public var source: IPAddress
    public var sourcePort: Int?
    public var destination: IPAddress
    public var destinationPort: Int
    public var proto: L4Protocol

    public init(source: IPAddress, sourcePort: Int? = nil, destination: IPAddress, destinationPort: Int, proto: L4Protocol) {
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
        self.proto = proto
    }
}

/// One rule (or a chain's policy) the trace looked at.
public struct TraceStep: Hashable, Sendable, Codable {
    public var table: String
    public var chain: String
    /// The rule as iptables-save prints it, or `policy ACCEPT` at the end of a built-in chain.
    public var rule: String
    public var matched: Bool
    /// Why it matched or not (the first option that decided it), or what it did.
    public var why: String
}

/// How the packet ends up.
public enum TraceVerdict: String, Hashable, Sendable, Codable {
    /// Its destination was rewritten to an endpoint (`endpoints` lists them).
    case dnat = "DNAT"
    case accept = "ACCEPT"
    case drop = "DROP"
    case reject = "REJECT"
    /// No rule of kube-proxy's applies to it.
    case none = "NONE"
}

/// The answer of one trace (the JSON contract of `trace --output json`).
public struct TraceResult: Hashable, Sendable, Codable {
    public var verdict: TraceVerdict
    /// Every `ip:port` (IPv6 `[ip]:port`) the packet can be DNATed to, in rule order.
    public var endpoints: [String]
    /// The chance of each endpoint (the product of the random branches on its way).
    public var probabilities: [String: Double]
    /// Whether the packet leaves masqueraded (source NAT to the node's address).
    public var masquerade: Bool
    /// Every rule visited, in order; with random branches, each branch's rules follow the rule
    /// that forked them.
    public var path: [TraceStep]
    /// What the trace had to assume (connection history it cannot know).
    public var assumptions: [String]
    /// Set when a rule could not be evaluated (an opaque rule, an unsupported match): the trace
    /// stopped there.
    public var cannotEvaluate: String?
}
