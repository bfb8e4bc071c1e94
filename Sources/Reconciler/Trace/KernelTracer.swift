/// One way the packet can go: its (possibly rewritten) header, mark, conntrack state and the
/// chance of taking this way.
struct TraceState {
    var packet: TracePacket
    var mark: UInt32 = 0
    var ctstates: ConntrackStates = .new
    var probability: Double = 1
    var endpoint: String?
    var masquerade = false
    /// A rule in a chain kube-proxy owns matched (else the verdict is NONE).
    var touchedKube = false

    var ctstateNames: String {
        ConntrackStates.printOrder.filter { ctstates.contains($0.1) }.map(\.0).joined(separator: ",")
    }
}

/// How a walk through a chain (or a whole hook) ended for one state.
enum TraceEnding {
    /// Fell off the end of a user chain, or RETURN: the caller goes on.
    case returned(TraceState)
    /// A verdict or NAT that ends the table for this hook.
    case ended(TraceState, TraceOutcome)
    case cannot(TraceState, String)
}

enum TraceOutcome: Equatable { case accept, drop, reject, dnat, snat, masquerade }

/// Follows a packet through nat and filter the way the kernel's hooks run them (see
/// `KernelTracer.trace`). Every random branch is followed; the path lists every rule looked at.
public struct KernelTracer: Sendable {
    public let ruleset: Ruleset
    /// Addresses of the node (`-m addrtype LOCAL`; a packet from one starts in nat OUTPUT).
    public let localAddresses: Set<IPAddress>

    public init(ruleset: Ruleset, localAddresses: Set<IPAddress>) {
        self.ruleset = ruleset
        self.localAddresses = localAddresses.union([IPAddress("127.0.0.1")!, IPAddress("::1")!])
    }

    /// nat PREROUTING, then filter INPUT (local destination) or FORWARD and nat POSTROUTING; for
    /// a packet from a local address: nat OUTPUT, filter OUTPUT, nat POSTROUTING (and filter INPUT
    /// when it stays on the node). The conntrack state is NEW, plus DNAT after a DNAT.
    public func trace(_ packet: TracePacket) -> TraceResult {
        var run = TraceWalk(tracer: self)
        let fromNode = localAddresses.contains(packet.source)
        var states = [TraceState(packet: packet)]
        var finished: [TraceWalk.Finished] = []
        let natFirst = fromNode ? "OUTPUT" : "PREROUTING"
        states = run.hook(.nat, natFirst, states, &finished, natHook: true)
        var toFilter: [TraceState] = []
        for state in states {
            let staysLocal = localAddresses.contains(state.packet.destination)
            let filterChains = fromNode ? (staysLocal ? ["OUTPUT", "INPUT"] : ["OUTPUT"]) : [staysLocal ? "INPUT" : "FORWARD"]
            if !fromNode && !staysLocal {
                run.assumptions.insert("routing: the node has a route to \(state.packet.destination) (otherwise the kernel answers network unreachable before filter FORWARD)")
            }
            var current = [state]
            for chain in filterChains { current = run.hook(.filter, chain, current, &finished, natHook: false) }
            if fromNode || !staysLocal {
                current = run.hook(.nat, "POSTROUTING", current, &finished, natHook: true)
            }
            toFilter += current
        }
        finished += toFilter.map { (state: $0, outcome: nil) }
        return run.result(finished)
    }
}
