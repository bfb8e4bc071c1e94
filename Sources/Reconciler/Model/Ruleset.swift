/// The tables of one IP family, in the order they were declared or dumped.
public struct Ruleset: Hashable, Sendable {
    public var family: IPFamily
    public var tables: [Table]

    public init(family: IPFamily = .ipv4, tables: [Table] = []) {
        self.family = family
        self.tables = tables
    }

    /// The table with this name, if present.
    public subscript(table name: TableName) -> Table? {
        get { tables.first { $0.name == name } }
        set {
            if let index = tables.firstIndex(where: { $0.name == name }) {
                if let newValue { tables[index] = newValue } else { tables.remove(at: index) }
            } else if let newValue {
                tables.append(newValue)
            }
        }
    }
}

/// The iptables tables that iptables-nft knows.
public enum TableName: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case filter, nat, mangle, raw, security

    /// Built-in chains of this table, in iptables-save order.
    public var builtinChains: [String] {
        switch self {
        case .filter: return ["INPUT", "FORWARD", "OUTPUT"]
        case .nat: return ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]
        case .mangle: return ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
        case .raw: return ["PREROUTING", "OUTPUT"]
        case .security: return ["INPUT", "FORWARD", "OUTPUT"]
        }
    }

    public static func < (lhs: TableName, rhs: TableName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One table: its chains in declaration order (built-in chains first, as iptables-save prints them).
public struct Table: Hashable, Sendable {
    public var name: TableName
    public var chains: [Chain]

    public init(name: TableName, chains: [Chain] = []) {
        self.name = name
        self.chains = chains
    }

    /// The index of the chain with this name.
    public func index(of chain: String) -> Int? { chains.firstIndex { $0.name == chain } }

    /// The chain with this name, if present; setting nil removes it, setting a new one appends it.
    public subscript(chain name: String) -> Chain? {
        get { index(of: name).map { chains[$0] } }
        set {
            if let index = index(of: name) {
                if let newValue { chains[index] = newValue } else { chains.remove(at: index) }
            } else if let newValue {
                chains.append(newValue)
            }
        }
    }
}

/// Packet and byte counters, as `[packets:bytes]`.
public struct Counters: Hashable, Sendable {
    public var packets: UInt64
    public var bytes: UInt64

    public init(packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
    }

    public static let zero = Counters()
}

/// The default verdict of a built-in chain.
public enum Policy: String, Hashable, Sendable, Codable {
    case accept = "ACCEPT"
    case drop = "DROP"
}

/// A chain and its rules in order. Built-in chains have a policy; user chains have none.
public struct Chain: Hashable, Sendable {
    public var name: String
    /// The policy of a built-in chain; nil for a user-defined chain.
    public var policy: Policy?
    public var counters: Counters
    public var rules: [Rule]

    public init(name: String, policy: Policy? = nil, counters: Counters = .zero, rules: [Rule] = []) {
        self.name = name
        self.policy = policy
        self.counters = counters
        self.rules = rules
    }

    /// Whether this is a built-in (base) chain.
    public var isBuiltin: Bool { policy != nil }
}
