extension RestoreScript {
    /// The ruleset after running this script against `base`, as iptables-restore would.
    ///
    /// Without `noflush` every table the script names starts empty; with it, existing chains
    /// and rules stay and only declared chains are flushed. Errors name the offending line.
    /// Linear in the size of the script and the tables it touches.
    public func apply(to base: Ruleset, noflush: Bool) throws(ParseError) -> Ruleset {
        var result = base
        result.family = family
        for block in tables {
            let existing = noflush ? result[table: block.name] : nil
            var builder = TableBuilder(table: existing ?? Table(name: block.name))
            try builder.run(block)
            result[table: block.name] = builder.finished()
        }
        return result
    }
}

/// Applies one table block's declarations and commands to a table, with chains kept by name
/// so each command costs O(1) whatever the number of chains.
struct TableBuilder {
    let name: TableName
    private var order: [String]
    private var chains: [String: Chain]

    init(table: Table) {
        name = table.name
        order = table.chains.map(\.name)
        chains = Dictionary(table.chains.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The table with chains in their order (built-in chains first, in hook order).
    func finished() -> Table {
        Table(name: name, chains: order.map { chains[$0]! })
    }

    mutating func run(_ block: TableBlock) throws(ParseError) {
        for chain in name.builtinChains where chains[chain] == nil {
            insertChain(Chain(name: chain, policy: .accept))
        }
        for declaration in block.declarations { try declare(declaration) }
        for command in block.commands { try execute(command) }
        try checkJumps(block)
    }

    private mutating func declare(_ declaration: ChainDeclaration) throws(ParseError) {
        let builtin = name.builtinChains.contains(declaration.name)
        if !builtin && declaration.policy != nil {
            throw ParseError(line: declaration.line, column: 0, message: "user-defined chain '\(declaration.name)' cannot have a policy",
                             expected: "'-' as the policy of a user-defined chain")
        }
        let exists = chains[declaration.name] != nil
        var chain = chains[declaration.name] ?? Chain(name: declaration.name, policy: builtin ? .accept : nil)
        if builtin { chain.policy = declaration.policy ?? chain.policy ?? .accept } else { chain.rules = [] }
        chain.counters = declaration.counters
        if exists { chains[declaration.name] = chain } else { insertChain(chain) }
    }

    private mutating func execute(_ command: RestoreCommand) throws(ParseError) {
        switch command.kind {
        case .append(let chain, let rule):
            try withChain(chain, command) { $0.rules.append(rule) }
        case .insert(let chain, let position, let rule):
            try withChain(chain, command) { target throws(ParseError) in
                guard position <= target.rules.count + 1 else {
                    throw ParseError(line: command.line, column: command.column, message: "index \(position) is past the end of chain '\(chain)'",
                                     expected: "a position from 1 to \(target.rules.count + 1)")
                }
                target.rules.insert(rule, at: position - 1)
            }
        case .delete(let chain, let rule):
            try withChain(chain, command) { target throws(ParseError) in
                guard let index = target.rules.firstIndex(of: rule) else {
                    throw ParseError(line: command.line, column: command.column, message: "no such rule in chain '\(chain)'")
                }
                target.rules.remove(at: index)
            }
        case .newChain(let chain):
            guard chains[chain] == nil, !name.builtinChains.contains(chain) else {
                throw ParseError(line: command.line, column: command.column, message: "chain '\(chain)' already exists")
            }
            insertChain(Chain(name: chain))
        case .deleteChain(let chain):
            try deleteChains(chain, command)
        case .flush(let chain):
            if let chain { try withChain(chain, command) { $0.rules = [] } } else {
                for key in order { chains[key]!.rules = [] }
            }
        case .policy(let chain, let policy):
            guard name.builtinChains.contains(chain) else {
                throw ParseError(line: command.line, column: command.column, message: "'\(chain)' is not a built-in chain of \(name.rawValue)")
            }
            try withChain(chain, command) { $0.policy = policy }
        }
    }

    private mutating func deleteChains(_ chain: String?, _ command: RestoreCommand) throws(ParseError) {
        guard let chain else {
            order.removeAll { chains[$0]?.isBuiltin == false }
            chains = chains.filter { $0.value.isBuiltin }
            return
        }
        guard let existing = chains[chain], !existing.isBuiltin else {
            throw ParseError(line: command.line, column: command.column, message: "no user-defined chain '\(chain)'")
        }
        chains[chain] = nil
        order.removeAll { $0 == chain }
    }

    /// Runs `body` on the chain, creating a built-in chain on first use; unknown chains fail.
    private mutating func withChain(_ chain: String, _ command: RestoreCommand,
                                    _ body: (inout Chain) throws(ParseError) -> Void) throws(ParseError) {
        if chains[chain] == nil, name.builtinChains.contains(chain) {
            insertChain(Chain(name: chain, policy: .accept))
        }
        guard chains[chain] != nil else {
            throw ParseError(line: command.line, column: command.column, message: "chain '\(chain)' is not declared in table \(name.rawValue)",
                             expected: "a ':\(chain) - [0:0]' line or -N \(chain) before use")
        }
        try body(&chains[chain]!)
    }

    /// Inserts built-in chains in hook order before user chains; user chains go last.
    private mutating func insertChain(_ chain: Chain) {
        chains[chain.name] = chain
        guard let rank = name.builtinChains.firstIndex(of: chain.name) else {
            order.append(chain.name)
            return
        }
        let position = order.firstIndex { other in
            guard let otherRank = name.builtinChains.firstIndex(of: other) else { return true }
            return otherRank > rank
        } ?? order.count
        order.insert(chain.name, at: position)
    }

    private func checkJumps(_ block: TableBlock) throws(ParseError) {
        for command in block.commands {
            let rule: Rule
            switch command.kind {
            case .append(_, let given), .insert(_, _, let given): rule = given
            default: continue
            }
            if let target = rule.targetChain, chains[target] == nil {
                throw ParseError(line: command.line, column: 0, message: "jump to chain '\(target)' which does not exist in table \(name.rawValue)",
                                 expected: "a declared chain or a target extension")
            }
        }
    }
}
