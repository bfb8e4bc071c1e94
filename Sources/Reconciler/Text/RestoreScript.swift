/// iptables-restore / iptables-save text as parsed: per table, its chain declarations and its
/// commands in order, each with the line it came from. `apply(to:noflush:)` gives the ruleset.
public struct RestoreScript: Hashable, Sendable {
    public var family: IPFamily
    public var tables: [TableBlock]

    public init(family: IPFamily, tables: [TableBlock] = []) {
        self.family = family
        self.tables = tables
    }
}

/// One `*table ... COMMIT` block.
public struct TableBlock: Hashable, Sendable {
    public var name: TableName
    public var line: Int
    public var declarations: [ChainDeclaration]
    public var commands: [RestoreCommand]

    public init(name: TableName, line: Int, declarations: [ChainDeclaration] = [], commands: [RestoreCommand] = []) {
        self.name = name
        self.line = line
        self.declarations = declarations
        self.commands = commands
    }
}

/// `:CHAIN POLICY [packets:bytes]`; policy nil means `-`.
public struct ChainDeclaration: Hashable, Sendable {
    public var name: String
    public var policy: Policy?
    public var counters: Counters
    public var line: Int

    public init(name: String, policy: Policy?, counters: Counters = .zero, line: Int) {
        self.name = name
        self.policy = policy
        self.counters = counters
        self.line = line
    }
}

/// One command line inside a table block.
public struct RestoreCommand: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case append(chain: String, rule: Rule)
        /// `-I CHAIN [N]`: insert before the 1-based position N (default 1).
        case insert(chain: String, position: Int, rule: Rule)
        /// `-D CHAIN RULE`: delete the first rule equal to `rule`.
        case delete(chain: String, rule: Rule)
        case newChain(String)
        /// `-X [CHAIN]`: nil deletes every user chain of the table.
        case deleteChain(String?)
        /// `-F [CHAIN]`: nil flushes every chain of the table.
        case flush(String?)
        case policy(chain: String, policy: Policy)
    }

    public var kind: Kind
    public var line: Int
    /// Column of the chain name, for errors about the chain.
    public var column: Int

    public init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
    }
}
