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
        let keys = chains.map { chain -> (Int, [UInt8]) in
            (builtins.firstIndex(of: chain.name) ?? builtins.count, Array(chain.name.utf8))
        }
        let order = chains.indices.sorted { lhs, rhs in
            let left = keys[lhs], right = keys[rhs]
            if left.0 != right.0 { return left.0 < right.0 }
            return left.0 < builtins.count ? false : left.1.lexicographicallyPrecedes(right.1)
        }
        if order.elementsEqual(chains.indices) { return self }
        var copy = self
        copy.chains = order.map { chains[$0] }
        return copy
    }
}
