import Reconciler

/// Plans an `iptables-restore`-equivalent transaction from a parsed restore script.
///
/// Without `noflush`, every table the script names is deleted and rebuilt (iptables-nft deletes
/// the table too). With `noflush`, only chains the script declares or changes are rewritten:
/// flushed and refilled from the script's result; chains holding rules we cannot encode are
/// refused rather than rewritten.
public enum RestorePlanner {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func plan(_ script: RestoreScript, current: [LiveTable], noflush: Bool) throws -> NftBatch {
        let family = NftFamily(script.family)
        var base = Ruleset(family: script.family, tables: current.map(\.table))
        if !noflush { base.tables = [] }
        let result: Ruleset
        do { result = try script.apply(to: base, noflush: noflush) } catch {
            throw Failure(description: "\(error)")
        }
        var batch = NftBatch(family: family, generation: current.first?.generation)
        for block in script.tables {
            guard let wanted = result[table: block.name] else { continue }
            let live = current.first { $0.table.name == block.name }
            if noflush, let live {
                try update(&batch, live: live, wanted: wanted, block: block)
            } else {
                try rebuild(&batch, exists: live != nil, wanted: wanted)
            }
        }
        return batch
    }

    static func rebuild(_ batch: inout NftBatch, exists: Bool, wanted: Table) throws {
        let t = wanted.name.rawValue
        if exists { batch.append(.deleteTable(t)) }
        batch.append(.addTable(t))
        for c in wanted.chains {
            if let hook = BuiltinChains.hook(table: wanted.name, chain: c.name) {
                batch.append(.addBaseChain(table: t, chain: c.name, hook: hook, policy: c.policy == .drop ? 0 : 1))
            } else {
                batch.append(.addChain(table: t, chain: c.name))
            }
        }
        for c in wanted.chains { try appendRules(&batch, table: wanted.name, chain: c, family: batch.family) }
    }

    static func update(_ batch: inout NftBatch, live: LiveTable, wanted: Table, block: TableBlock) throws {
        let t = wanted.name.rawValue
        var touched = Set(block.declarations.map(\.name))
        for command in block.commands {
            switch command.kind {
            case .append(let c, _), .insert(let c, _, _), .delete(let c, _), .policy(let c, _): touched.insert(c)
            case .newChain(let c): touched.insert(c)
            case .deleteChain(let c?), .flush(let c?): touched.insert(c)
            case .deleteChain(nil), .flush(nil): live.table.chains.forEach { touched.insert($0.name) }
            }
        }
        for c in wanted.chains where touched.contains(c.name) {
            let old = live.table[chain: c.name]
            if let hook = BuiltinChains.hook(table: wanted.name, chain: c.name) {
                if old == nil || old?.policy != c.policy {
                    batch.append(.addBaseChain(table: t, chain: c.name, hook: hook, policy: c.policy == .drop ? 0 : 1))
                }
            } else if old == nil {
                batch.append(.addChain(table: t, chain: c.name))
            }
        }
        for c in wanted.chains where touched.contains(c.name) {
            let old = live.table[chain: c.name]
            if old?.rules == c.rules { continue }
            if let old, !old.rules.isEmpty { batch.append(.flushChain(table: t, chain: c.name)) }
            try appendRules(&batch, table: wanted.name, chain: c, family: batch.family)
        }
        for old in live.table.chains where wanted[chain: old.name] == nil {
            if !old.rules.isEmpty { batch.append(.flushChain(table: t, chain: old.name)) }
            batch.append(.deleteChain(table: t, chain: old.name))
        }
    }

    static func appendRules(_ batch: inout NftBatch, table: TableName, chain: Chain, family: NftFamily) throws {
        for rule in chain.rules {
            let line = SaveRenderer.line(chain: chain.name, rule: rule, family: family.ipFamily)
            do {
                let spec = try RuleEncoder.spec(rule, table: table.rawValue, chain: chain.name, family: family, label: line)
                batch.append(.addRule(spec, .append))
            } catch {
                throw Failure(description: "cannot write \(table.rawValue) rule '\(line)': \(error)")
            }
        }
    }
}
