/// A plan read per Service: which Services' rules change and how, from the rule comments
/// kube-proxy writes (`ns/name:port ...`), for the dry-run's summary and `--stat`.
public struct ServiceChange: Hashable, Sendable, Codable {
    /// `ns/name`, or `node-wide` for kube-proxy's fixed rules.
    public var service: String
    public var rulesAdded = 0
    public var rulesDeleted = 0
    public var rulesReplaced = 0
    public var chainsCreated = 0
    public var chainsDeleted = 0
    /// DNAT targets that appear / disappear.
    public var endpointsAdded: [String] = []
    public var endpointsRemoved: [String] = []

    /// `ns1/svc1: +2 -2 rules (endpoint 10.180.0.1:80 → 10.180.0.11:80)`, `ns3/svc3: deleted (-5 rules, -2 chains)`.
    public var line: String {
        var counts = "+\(rulesAdded) -\(rulesDeleted) rules"
        if rulesReplaced > 0 { counts += " ~\(rulesReplaced)" }
        if chainsCreated + chainsDeleted > 0 { counts += ", chains +\(chainsCreated)/-\(chainsDeleted)" }
        if rulesAdded == 0 && rulesReplaced == 0 && chainsDeleted > 0 && chainsCreated == 0 && endpointsAdded.isEmpty {
            return "\(service): deleted (\(counts))"
        }
        if rulesDeleted == 0 && rulesReplaced == 0 && chainsCreated > 0 && endpointsRemoved.isEmpty { return "\(service): added (\(counts))" }
        var detail = ""
        switch (endpointsRemoved.count, endpointsAdded.count) {
        case (0, 0): break
        case (1, 1): detail = " (endpoint \(endpointsRemoved[0]) → \(endpointsAdded[0]))"
        default:
            let parts = endpointsAdded.map { "+\($0)" } + endpointsRemoved.map { "-\($0)" }
            detail = " (endpoints \(parts.joined(separator: ", ")))"
        }
        return "\(service): \(counts)\(detail)"
    }
}

extension Plan {
    /// The Service an operation concerns (nil: kube-proxy's node-wide rules, or not ours).
    public static func service(of operation: PlanOperation, observed: ObservedRuleset) -> String? {
        switch operation {
        case .insertRule(_, _, let rule, _), .deleteRule(_, _, _, let rule), .replaceRule(_, _, _, _, let rule):
            return serviceName(inComment: rule.comment)
        case .flushChain(let table, let chain, _), .deleteChain(let table, let chain), .createChain(let table, let chain):
            guard Ownership.isServiceChain(chain) else { return nil }
            return observed.ruleset[table: table]?[chain: chain]?.rules.lazy.compactMap { serviceName(inComment: $0.comment) }.first
        case .createTable, .setPolicy: return nil
        }
    }

    /// `ns/name` from a comment kube-proxy writes (`ns/name:port cluster IP`, `masquerade traffic
    /// for ns/name:port external destinations`): the first word of that shape.
    static func serviceName(inComment comment: String?) -> String? {
        for word in comment?.split(separator: " ") ?? [] {
            let name = word.split(separator: ":").first.map(String.init) ?? ""
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, parts.allSatisfy({ NameRules.dns1123Label(String($0)) == nil }) { return name }
        }
        return nil
    }

    /// The plan per Service, in name order (node-wide rules last); new chains count for the
    /// Service whose rules fill them.
    public func services(observed: ObservedRuleset) -> [ServiceChange] {
        var byName: [String: ServiceChange] = [:]
        var chainOwner: [String: String] = [:]
        for op in operations {
            if case .insertRule(_, let chain, let rule, _) = op, let s = Self.serviceName(inComment: rule.comment) { chainOwner[chain] = s }
        }
        for op in operations {
            let (_, chain) = op.location
            let name = Self.service(of: op, observed: observed) ?? chainOwner[chain] ?? "node-wide"
            var c = byName[name] ?? ServiceChange(service: name)
            switch op {
            case .insertRule(_, _, let rule, _): c.rulesAdded += 1; if let e = Self.endpoint(rule) { c.endpointsAdded.append(e) }
            case .deleteRule(_, _, _, let rule): c.rulesDeleted += 1; if let e = Self.endpoint(rule) { c.endpointsRemoved.append(e) }
            case .replaceRule: c.rulesReplaced += 1
            case .flushChain(let table, let chain, let n):
                c.rulesDeleted += n
                for rule in observed.ruleset[table: table]?[chain: chain]?.rules ?? [] {
                    if let e = Self.endpoint(rule) { c.endpointsRemoved.append(e) }
                }
            case .createChain: c.chainsCreated += 1
            case .deleteChain: c.chainsDeleted += 1
            case .createTable, .setPolicy: break
            }
            byName[name] = c
        }
        let changes: [ServiceChange] = byName.values.map(Self.netEndpoints)
        return changes.sorted(by: Self.nodeWideLast)
    }

    /// Endpoints both added and removed (a rule rewritten) are no change.
    static func netEndpoints(_ change: ServiceChange) -> ServiceChange {
        var c = change
        let both = Set(c.endpointsAdded).intersection(c.endpointsRemoved)
        c.endpointsAdded = Set(c.endpointsAdded).subtracting(both).sorted()
        c.endpointsRemoved = Set(c.endpointsRemoved).subtracting(both).sorted()
        return c
    }

    static func nodeWideLast(_ a: ServiceChange, _ b: ServiceChange) -> Bool {
        let aLast = a.service == "node-wide", bLast = b.service == "node-wide"
        return aLast != bLast ? bLast : a.service < b.service
    }

    static func endpoint(_ rule: Rule) -> String? {
        if case .dnat(let n)? = rule.target { return KubeProxyTextWriter.natDestination(n) }
        return nil
    }
}
