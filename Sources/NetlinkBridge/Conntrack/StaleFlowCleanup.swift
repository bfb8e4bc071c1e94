public import Reconciler

extension ConntrackClient {
    /// Deletes every UDP entry of `family` that `targets` call stale (kube-proxy's
    /// `CleanStaleEntries`: a flow to a UDP service answered by what is no longer one of its
    /// endpoints); returns the entries deleted. Walks the kernel's whole conntrack table.
    public func deleteStaleUDPFlows(_ targets: UDPServiceTargets, family: IPFamily) throws -> [ConntrackFlow] {
        guard !targets.isEmpty else { return [] }
        let stale = try flows(family: family, proto: 17).filter { targets.isStale(Self.udpFlow($0)) }
        for flow in stale { try delete(flow) }
        return stale
    }

    /// A conntrack flow as the stale-UDP rule sees it.
    static func udpFlow(_ flow: ConntrackFlow) -> UDPServiceTargets.Flow {
        .init(destination: .init(ip: flow.original.destination, port: flow.original.destinationPort),
              replySource: .init(ip: flow.reply.source, port: flow.reply.sourcePort))
    }
}
