public import Reconciler

/// One iptables table as read from the kernel: the AST table (chains in iptables-save order) plus
/// what the AST has no place for: rule handles, base chain hooks, and the generation it was read at.
public struct LiveTable: Hashable, Sendable {
    public var table: Table
    public var family: NftFamily
    public var generation: UInt32
    /// Kernel handles of each chain's rules, in rule order.
    public var handles: [String: [UInt64]]
    /// Hooks of the base chains.
    public var hooks: [String: NftHook]

    init(table: Table, family: NftFamily, generation: UInt32, handles: [String: [UInt64]], hooks: [String: NftHook]) {
        self.table = table; self.family = family; self.generation = generation
        self.handles = handles; self.hooks = hooks
    }

    /// Collects decoded chains in kernel order into a `LiveTable`.
    struct Builder {
        let family: NftFamily
        let generation: UInt32
        var chains: [Chain] = []
        var handles: [String: [UInt64]] = [:]
        var hooks: [String: NftHook] = [:]

        init(family: NftFamily, generation: UInt32, capacity: Int = 0) {
            self.family = family; self.generation = generation
            chains.reserveCapacity(capacity)
            handles.reserveCapacity(capacity)
        }

        mutating func add(_ c: NftChain, rules: [Rule], handles: [UInt64]) {
            self.handles[c.name] = handles
            if let h = c.hook { hooks[c.name] = h }
            let policy: Policy? = c.hook == nil ? nil : (c.policy == 0 ? .drop : .accept)
            chains.append(Chain(name: c.name, policy: policy,
                                counters: c.hook == nil ? .zero : Counters(packets: c.packets, bytes: c.bytes),
                                rules: rules))
        }

        func table(_ name: TableName) -> LiveTable {
            LiveTable(table: Table(name: name, chains: chains).canonicallyOrdered(), family: family,
                      generation: generation, handles: handles, hooks: hooks)
        }
    }

    /// Opaque (undecodable) rules, as (chain, position) pairs.
    public var opaqueRules: [(chain: String, index: Int)] {
        table.chains.flatMap { c in c.rules.indices.filter { c.rules[$0].opaque != nil }.map { (c.name, $0) } }
    }
}
