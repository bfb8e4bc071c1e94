/// Service fragments in service-name order with the number of rules each puts in every shared
/// chain, so that one service's rules can be replaced inside an assembled ruleset in place
/// (the result is identical to `DesiredState.assemble`).
struct FragmentLayout: Sendable {
    /// The shared chains fragments append to, in slot order; slot 6 counts the fragment's own chains.
    static let sharedSlots: [(TableName, String)] = [
        (.filter, KubeChains.services), (.filter, KubeChains.externalServices), (.filter, KubeChains.nodePorts),
        (.filter, KubeChains.proxyFirewall), (.nat, KubeChains.services), (.nat, KubeChains.nodePorts),
    ]

    private(set) var names: [ServiceName] = []
    private(set) var fragments: [ServiceFragment] = []
    private var counts: [SIMD8<Int>] = []

    init() {}

    init(_ dict: [ServiceName: ServiceFragment]) {
        for (name, f) in dict.sorted(by: { $0.key < $1.key }) {
            names.append(name)
            fragments.append(f)
            counts.append(Self.counts(f))
        }
    }

    static func counts(_ f: ServiceFragment) -> SIMD8<Int> {
        var c = SIMD8<Int>()
        for (k, (table, chain)) in sharedSlots.enumerated() {
            c[k] = (table == .filter ? f.filter[chain] : f.nat[chain])?.count ?? 0
        }
        c[6] = f.chains.count
        return c
    }

    /// Replaces, inserts or (with nil) removes `name`'s fragment, patching `ruleset` to match.
    mutating func set(_ name: ServiceName, _ new: ServiceFragment?, in ruleset: inout Ruleset) {
        let i = Self.insertionIndex(names, name)
        let exists = i < names.count && names[i] == name
        if !exists && new == nil { return }
        var offset = SIMD8<Int>()
        for j in 0..<i { offset &+= counts[j] }
        let old = exists ? counts[i] : SIMD8<Int>()
        for (k, (table, chain)) in Self.sharedSlots.enumerated() {
            let rules = (table == .filter ? new?.filter[chain] : new?.nat[chain]) ?? []
            if old[k] == 0 && rules.isEmpty { continue }
            Self.patch(&ruleset, table, chain) { $0.replaceSubrange(offset[k]..<(offset[k] + old[k]), with: rules) }
        }
        if old[6] > 0 || !(new?.chains.isEmpty ?? true) {
            let t = ruleset.tables.firstIndex { $0.name == .nat }!
            let base = ruleset.tables[t].index(of: KubeChains.markMasq)! + 1 + offset[6]
            ruleset.tables[t].chains.replaceSubrange(base..<(base + old[6]), with: new?.chains ?? [])
        }
        switch (exists, new) {
        case (true, let f?): fragments[i] = f; counts[i] = Self.counts(f)
        case (true, nil): names.remove(at: i); fragments.remove(at: i); counts.remove(at: i)
        case (false, let f?): names.insert(name, at: i); fragments.insert(f, at: i); counts.insert(Self.counts(f), at: i)
        case (false, nil): break
        }
    }

    private static func patch(_ rs: inout Ruleset, _ table: TableName, _ chain: String, _ edit: (inout [Rule]) -> Void) {
        let t = rs.tables.firstIndex { $0.name == table }!
        let c = rs.tables[t].index(of: chain)!
        edit(&rs.tables[t].chains[c].rules)
    }

    static func insertionIndex(_ a: [ServiceName], _ x: ServiceName) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
