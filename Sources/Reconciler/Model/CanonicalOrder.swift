extension Ruleset {
    /// The order iptables-save (nf_tables) prints tables in.
    public static let saveTableOrder: [TableName] = [.mangle, .security, .raw, .filter, .nat]

    /// The same ruleset with tables and chains in iptables-save's order: tables as
    /// `saveTableOrder`, built-in chains in hook order, then user chains sorted by name.
    public func canonicallyOrdered() -> Ruleset {
        var copy = self
        copy.tables.sort { Ruleset.saveTableOrder.firstIndex(of: $0.name)! < Ruleset.saveTableOrder.firstIndex(of: $1.name)! }
        copy.tables = copy.tables.map { $0.canonicallyOrdered() }
        return copy
    }
}

extension Table {
    /// Built-in chains in hook order, then user chains sorted by name (byte order).
    public func canonicallyOrdered() -> Table {
        let builtins = name.builtinChains
        var head: [Chain] = [], rest: [Chain] = []
        rest.reserveCapacity(chains.count)
        for chain in chains {
            if builtins.contains(chain.name) { head.append(chain) } else { rest.append(chain) }
        }
        head.sort { builtins.firstIndex(of: $0.name)! < builtins.firstIndex(of: $1.name)! }
        if !rest.isSorted(by: { Self.precedes($0.name, $1.name) }) {
            rest.sort { Self.precedes($0.name, $1.name) }
        }
        var copy = self
        copy.chains = head + rest
        return copy
    }

    /// Byte order of the names' UTF-8 (what iptables-save sorts by), without copying them.
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.lexicographicallyPrecedes(y) } }
    }
}

extension Array {
    /// Whether every element is ordered before or equal to the next one.
    func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        indices.dropFirst().allSatisfy { !areInIncreasingOrder(self[$0], self[$0 - 1]) }
    }
}
