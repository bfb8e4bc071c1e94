@testable import Reconciler

/// Creates the kernel objects that rules refer to by name, so iptables-restore accepts them:
/// ipsets for `-m set` and nfacct counters for `-m nfacct`.
enum KernelObjects {
    static func create(for ruleset: Ruleset, in namespace: NetworkNamespace) throws {
        var sets: [String: Int] = [:]
        var counters: Set<String> = []
        for table in ruleset.tables {
            for chain in table.chains {
                for rule in chain.rules {
                    for match in rule.matches {
                        switch match {
                        case .set(let set): sets[set.setName] = max(sets[set.setName] ?? 0, set.directions.count)
                        case .nfacct(let name): counters.insert(name)
                        default: break
                        }
                    }
                }
            }
        }
        let family = ruleset.family == .ipv6 ? "inet6" : "inet"
        for (name, dimensions) in sets.sorted(by: { $0.key < $1.key }) {
            try namespace.check(["ipset", "create", name, dimensions > 1 ? "hash:net,port" : "hash:net", "family", family])
        }
        for name in counters.sorted() { try namespace.check(["nfacct", "add", name]) }
    }
}
