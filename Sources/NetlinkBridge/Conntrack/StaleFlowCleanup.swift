import Reconciler

extension ConntrackClient {
    /// Deletes every UDP entry of `family` whose reply comes from one of `endpoints` (the flows
    /// DNATed to them); returns how many were deleted. kube-proxy clears these after removing a
    /// UDP endpoint: without it a client that keeps its source port keeps reaching the removed
    /// endpoint until the entry times out.
    public func deleteUDPFlows(to endpoints: Set<UDPEndpoint>, family: IPFamily) throws -> Int {
        guard !endpoints.isEmpty else { return 0 }
        var deleted = 0
        for flow in try flows(family: family, proto: 17)
        where endpoints.contains(UDPEndpoint(address: flow.reply.source, port: flow.reply.sourcePort)) {
            try delete(flow)
            deleted += 1
        }
        return deleted
    }
}

extension NetlinkBackend {
    /// Deletes the conntrack entries of UDP flows to `endpoints` in this backend's namespace.
    public func deleteUDPFlows(to endpoints: Set<UDPEndpoint>, family: IPFamily) throws -> Int {
        try ConntrackClient(connection: client.connection).deleteUDPFlows(to: endpoints, family: family)
    }
}
