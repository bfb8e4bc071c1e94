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
        set([(name, new)], in: &ruleset)
    }

    /// One fragment change located in the layout: its index, the rules before it and its old counts.
    private struct Located {
        var name: ServiceName
        var new: ServiceFragment?
        var index: Int
        var exists: Bool
        var offset: SIMD8<Int>
        var old: SIMD8<Int>
        var slots: Range<Int> { index..<(exists ? index + 1 : index) }
    }

    /// Replaces, inserts or (with nil) removes several fragments (`changes` sorted by name, each
    /// name once), patching `ruleset` with one splice per chain whatever the number of changes.
    mutating func set(_ changes: [(ServiceName, ServiceFragment?)], in ruleset: inout Ruleset) {
        let located = locate(changes)
        guard !located.isEmpty else { return }
        for (k, (table, chain)) in Self.sharedSlots.enumerated() {
            let edits: [Array<Rule>.SpliceEdit] = located.compactMap { c in
                let rules = (table == .filter ? c.new?.filter[chain] : c.new?.nat[chain]) ?? []
                return c.old[k] == 0 && rules.isEmpty ? nil : (c.offset[k]..<(c.offset[k] + c.old[k]), rules)
            }
            if !edits.isEmpty { Self.patch(&ruleset, table, chain) { $0.splice(edits) } }
        }
        let t = ruleset.tables.firstIndex { $0.name == .nat }!
        let base = ruleset.tables[t].index(of: KubeChains.markMasq)! + 1
        ruleset.tables[t].chains.splice(located.map { c in
            ((base + c.offset[6])..<(base + c.offset[6] + c.old[6]), c.new?.chains ?? [])
        })
        names.splice(located.map { ($0.slots, $0.new == nil ? [] : [$0.name]) })
        fragments.splice(located.map { ($0.slots, $0.new.map { [$0] } ?? []) })
        counts.splice(located.map { ($0.slots, $0.new.map { [Self.counts($0)] } ?? []) })
    }

    /// Finds each change's place and the rule counts before it, in one pass over the counts.
    private func locate(_ changes: [(ServiceName, ServiceFragment?)]) -> [Located] {
        var out: [Located] = []
        var offset = SIMD8<Int>(), j = 0
        for (name, new) in changes {
            let i = Self.insertionIndex(names, name)
            let exists = i < names.count && names[i] == name
            if !exists && new == nil { continue }
            while j < i { offset &+= counts[j]; j += 1 }
            out.append(Located(name: name, new: new, index: i, exists: exists, offset: offset,
                               old: exists ? counts[i] : SIMD8<Int>()))
        }
        return out
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
