import Reconciler

/// One shared copy of each repeated string the models hold (namespaces, port names, node names,
/// zones, hints): a Swift string longer than 15 UTF-8 bytes is a heap object, and a node name like
/// `ip-10-0-12-34.eu-west-1.compute.internal` otherwise repeats in every endpoint on that node.
/// Shorter strings are stored inline and pass through.
struct StringInterner {
    private var known: Set<String> = []

    /// The canonical copy of `s`.
    mutating func intern(_ s: String) -> String {
        guard s.utf8.count > 15 else { return s }
        if let existing = known.firstIndex(of: s) { return known[existing] }
        known.insert(s)
        return s
    }

    mutating func intern(_ s: String?) -> String? { s.map { intern($0) } }

    mutating func intern(_ name: ServiceName) -> ServiceName {
        ServiceName(namespace: intern(name.namespace), name: name.name)
    }

    mutating func intern(_ model: ServiceModel) -> ServiceModel {
        var m = model
        m.name = intern(m.name)
        for i in m.ports.indices { m.ports[i].name = intern(m.ports[i].name) }
        return m
    }

    mutating func intern(_ model: EndpointSliceModel) -> EndpointSliceModel {
        var m = model
        m.service = intern(m.service)
        for i in m.ports.indices { m.ports[i].name = intern(m.ports[i].name) }
        for i in m.endpoints.indices {
            m.endpoints[i].nodeName = intern(m.endpoints[i].nodeName)
            m.endpoints[i].zone = intern(m.endpoints[i].zone)
            if !m.endpoints[i].zoneHints.isEmpty { m.endpoints[i].zoneHints = Set(m.endpoints[i].zoneHints.map { intern($0) }) }
            if !m.endpoints[i].nodeHints.isEmpty { m.endpoints[i].nodeHints = Set(m.endpoints[i].nodeHints.map { intern($0) }) }
        }
        return m
    }
}
