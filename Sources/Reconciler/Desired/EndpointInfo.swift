/// One endpoint of one service port, as a single-family proxier sees it (proxy.BaseEndpointInfo).
public struct EndpointInfo: Hashable, Sendable {
    public var ip: IPAddress
    /// The canonical text of `ip` (kept: the endpoint string is built often on the hot path).
    public var ipText: String
    public var port: Int
    public var isLocal: Bool
    public var ready: Bool
    public var serving: Bool
    public var terminating: Bool
    public var zoneHints: Set<String>
    public var nodeHints: Set<String>

    public init(ip: IPAddress, port: Int, isLocal: Bool = false, ready: Bool = true, serving: Bool = true,
                terminating: Bool = false, zoneHints: Set<String> = [], nodeHints: Set<String> = []) {
        self.ip = ip
        self.ipText = ip.description
        self.port = port
        self.isLocal = isLocal
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
        self.zoneHints = zoneHints
        self.nodeHints = nodeHints
    }

    /// `ip:port`, or `[ip]:port` for IPv6 (Go's net.JoinHostPort).
    public var string: String { ip.family == .ipv6 ? "[\(ipText)]:\(port)" : "\(ipText):\(port)" }

    /// The `KUBE-SEP-…` chain of this endpoint for a service port.
    public func chainName(for spn: ServicePortName) -> String {
        KubeChains.endpoint(spn.description, spn.proto.lower, string)
    }
}

/// Endpoints per service port, merged from all of a service's slices (EndpointSliceCache).
public enum EndpointsMapBuilder {
    /// Merges slices of one family: deduplicated by `ip:port` (a local copy wins), sorted by that string.
    public static func build(slices: [EndpointSliceModel], family: IPFamily, nodeName: String)
        -> [ServicePortName: [EndpointInfo]] {
        var sets: [ServicePortName: [String: EndpointInfo]] = [:]
        for slice in slices where slice.addressFamily == family {
            for port in slice.ports {
                let spn = ServicePortName(service: slice.service, port: port.name, proto: port.proto)
                var set = sets[spn] ?? [:]
                for ep in slice.endpoints {
                    let info = endpointInfo(ep, port: port.port, nodeName: nodeName)
                    if set[info.string] == nil || info.isLocal { set[info.string] = info }
                }
                sets[spn] = set
            }
        }
        var out: [ServicePortName: [EndpointInfo]] = [:]
        for (spn, set) in sets where !set.isEmpty {
            out[spn] = set.values.sorted { $0.string < $1.string }
        }
        return out
    }

    static func endpointInfo(_ ep: EndpointSliceModel.Endpoint, port: Int, nodeName: String) -> EndpointInfo {
        EndpointInfo(ip: ep.address, port: port,
                     isLocal: !nodeName.isEmpty && ep.nodeName == nodeName,
                     ready: ep.ready, serving: ep.serving, terminating: ep.terminating,
                     zoneHints: ep.zoneHints, nodeHints: ep.nodeHints)
    }
}
