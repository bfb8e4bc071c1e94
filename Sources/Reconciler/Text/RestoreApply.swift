extension RestoreScript {
    /// The ruleset after running this script against `base`, as iptables-restore would.
    ///
    /// Without `noflush` every table the script names starts empty; with it, existing chains
    /// and rules stay and only declared chains are flushed. Errors name the offending line.
    public func apply(to base: Ruleset, noflush: Bool) throws(ParseError) -> Ruleset {
        var result = base
        result.family = family
        for block in tables {
            let existing = noflush ? result[table: block.name] : nil
            var builder = TableBuilder(table: existing ?? Table(name: block.name))
            try builder.run(block)
            result[table: block.name] = builder.table
        }
        return result
    }
}

/// Applies one table block's declarations and commands to a table.
struct TableBuilder {
    var table: Table

    mutating func run(_ block: TableBlock) throws(ParseError) {
        for name in table.name.builtinChains where table.index(of: name) == nil {
            insertChain(Chain(name: name, policy: .accept))
        }
        for declaration in block.declarations { try declare(declaration) }
        for command in block.commands { try execute(command) }
        try checkJumps(block)
    }

    private mutating func declare(_ declaration: ChainDeclaration) throws(ParseError) {
        let builtin = table.name.builtinChains.contains(declaration.name)
        if !builtin && declaration.policy != nil {
            throw ParseError(line: declaration.line, column: 0, message: "user-defined chain '\(declaration.name)' cannot have a policy",
                             expected: "'-' as the policy of a user-defined chain")
        }
        var chain = table[chain: declaration.name] ?? Chain(name: declaration.name, policy: builtin ? .accept : nil)
        if builtin { chain.policy = declaration.policy ?? chain.policy ?? .accept } else { chain.rules = [] }
        chain.counters = declaration.counters
        if table.index(of: declaration.name) == nil { insertChain(chain) } else { table[chain: declaration.name] = chain }
    }

    private mutating func execute(_ command: RestoreCommand) throws(ParseError) {
        switch command.kind {
        case .append(let name, let rule):
            try withChain(name, command) { $0.rules.append(rule) }
        case .insert(let name, let position, let rule):
            try withChain(name, command) { chain throws(ParseError) in
                guard position <= chain.rules.count + 1 else {
                    throw ParseError(line: command.line, column: command.column, message: "index \(position) is past the end of chain '\(name)'",
                                     expected: "a position from 1 to \(chain.rules.count + 1)")
                }
                chain.rules.insert(rule, at: position - 1)
            }
        case .delete(let name, let rule):
            try withChain(name, command) { chain throws(ParseError) in
                guard let index = chain.rules.firstIndex(of: rule) else {
                    throw ParseError(line: command.line, column: command.column, message: "no such rule in chain '\(name)'")
                }
                chain.rules.remove(at: index)
            }
        case .newChain(let name):
            guard table.index(of: name) == nil, !table.name.builtinChains.contains(name) else {
                throw ParseError(line: command.line, column: command.column, message: "chain '\(name)' already exists")
            }
            insertChain(Chain(name: name))
        case .deleteChain(let name):
            try deleteChains(name, command)
        case .flush(let name):
            if let name { try withChain(name, command) { $0.rules = [] } } else {
                for index in table.chains.indices { table.chains[index].rules = [] }
            }
        case .policy(let name, let policy):
            guard table.name.builtinChains.contains(name) else {
                throw ParseError(line: command.line, column: command.column, message: "'\(name)' is not a built-in chain of \(table.name.rawValue)")
            }
            try withChain(name, command) { $0.policy = policy }
        }
    }

    private mutating func deleteChains(_ name: String?, _ command: RestoreCommand) throws(ParseError) {
        guard let name else {
            table.chains.removeAll { !$0.isBuiltin }
            return
        }
        guard let index = table.index(of: name), !table.chains[index].isBuiltin else {
            throw ParseError(line: command.line, column: command.column, message: "no user-defined chain '\(name)'")
        }
        table.chains.remove(at: index)
    }

    /// Runs `body` on the chain, creating a built-in chain on first use; unknown chains fail.
    private mutating func withChain(_ name: String, _ command: RestoreCommand,
                                    _ body: (inout Chain) throws(ParseError) -> Void) throws(ParseError) {
        if table.index(of: name) == nil, table.name.builtinChains.contains(name) {
            insertChain(Chain(name: name, policy: .accept))
        }
        guard let index = table.index(of: name) else {
            throw ParseError(line: command.line, column: command.column, message: "chain '\(name)' is not declared in table \(table.name.rawValue)",
                             expected: "a ':\(name) - [0:0]' line or -N \(name) before use")
        }
        try body(&table.chains[index])
    }

    /// Inserts built-in chains in hook order before user chains; user chains go last.
    private mutating func insertChain(_ chain: Chain) {
        guard let rank = table.name.builtinChains.firstIndex(of: chain.name) else {
            table.chains.append(chain)
            return
        }
        let position = table.chains.firstIndex { other in
            guard let otherRank = table.name.builtinChains.firstIndex(of: other.name) else { return true }
            return otherRank > rank
        } ?? table.chains.count
        table.chains.insert(chain, at: position)
    }

    private func checkJumps(_ block: TableBlock) throws(ParseError) {
        let names = Set(table.chains.map(\.name))
        for command in block.commands {
            let rule: Rule
            switch command.kind {
            case .append(_, let given), .insert(_, _, let given): rule = given
            default: continue
            }
            if let target = rule.targetChain, !names.contains(target) {
                throw ParseError(line: command.line, column: 0, message: "jump to chain '\(target)' which does not exist in table \(table.name.rawValue)",
                                 expected: "a declared chain or a target extension")
            }
        }
    }
}
