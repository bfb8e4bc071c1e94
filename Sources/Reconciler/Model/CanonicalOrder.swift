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
        var copy = self
        copy.chains.sort { lhs, rhs in
            let left = builtins.firstIndex(of: lhs.name), right = builtins.firstIndex(of: rhs.name)
            switch (left, right) {
            case let (left?, right?): return left < right
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return Array(lhs.name.utf8).lexicographicallyPrecedes(Array(rhs.name.utf8))
            }
        }
        return copy
    }
}
