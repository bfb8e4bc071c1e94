import Glibc
import Reconciler

extension NftClient {
    /// The rules of one chain decoded straight into AST rules, with their handles, in order. Only
    /// the typed expressions of one rule exist at a time; the exact expression bytes are copied
    /// only into opaque rules. `ipsets` caches set names across chains.
    /// `vanishedIsEmpty`: a chain deleted since it was listed reads as empty (a table read; the
    /// generation check or the notifications catch it) instead of throwing ENOENT.
    func decodedRules(family: NftFamily, table: String, chain: String, ipsets: inout IpsetNameCache,
                      vanishedIsEmpty: Bool = false) throws -> (rules: [Rule], handles: [UInt64]) {
        var w = AttributeWriter()
        w.putString(NftProtocol.RuleAttr.table, table)
        w.putString(NftProtocol.RuleAttr.chain, chain)
        var rules: [Rule] = [], handles: [UInt64] = []
        let request = NftProtocol.message(NftProtocol.Msg.getRule, family: family.rawValue, attrs: w.bytes)
        do {
            try dumpRules(request, family: family, table: table, chain: chain, rules: &rules, handles: &handles, ipsets: &ipsets)
        } catch let error as NetlinkError where vanishedIsEmpty && error.errno == ENOENT {
            // The chain was deleted after it was listed: the generation moved, so the reader
            // re-reads (settled) or the notifications name it (unsettled).
            return ([], [])
        } catch NetlinkError.dumpInterrupted where vanishedIsEmpty && !Self.matters(table: table, chain: chain) {
            // A foreign chain someone writes to all the time (Docker's, a CNI plugin's) never
            // changes a plan: it reads as empty rather than holding up the whole table.
            return ([], [])
        }
        return (rules, handles)
    }

    /// Whether a chain's rules can change what we plan: ours, or a built-in chain.
    static func matters(table: String, chain: String) -> Bool {
        guard let name = TableName(rawValue: table) else { return false }
        return ReconcileEngine.matters(ChainRef(name, chain))
    }

    private func dumpRules(_ request: NetlinkMessage, family: NftFamily, table: String, chain: String, rules: inout [Rule],
                           handles: inout [UInt64], ipsets: inout IpsetNameCache) throws {
        try connection.dump(request, operation: "list rules \(family.tableFamilyName) \(table) \(chain)",
                            restart: { rules.removeAll(); handles.removeAll() }) { m in
            try NftMessageParsing.withAttributes(payload: m.payload) { a in
                typealias R = NftProtocol.RuleAttr
                guard a.has(R.table), a.has(R.chain) else { throw NetlinkError.malformed("rule without table or chain") }
                guard a.stringEquals(R.table, table), a.stringEquals(R.chain, chain) else { return }
                let raw = a.raw(R.expressions) ?? UnsafeRawBufferPointer(start: nil, count: 0)
                let expressions = try NftRule.decodeExpressions(raw)
                ipsets.resolve(expressions)
                rules.append(RuleDecoder.decode(expressions, raw: { Array(raw) }, family: family, ipsetNames: ipsets.names,
                                                fromKernel: true))
                handles.append(a.u64(R.handle) ?? 0)
            }
        }
    }

    /// One table read chain by chain between two generation reads and decoded on the fly (what
    /// `snapshot` + `LiveTable.init` give, without holding every raw rule of the table at once);
    /// large tables are read on several sockets at once (`readParallelism`). Retried when the
    /// generation moved. Nil when the table does not exist.
    /// `settled` false: one pass, returned whatever the generation did meanwhile.
    func liveTable(family: NftFamily, table name: TableName, attempts: Int = 5, settled: Bool = true) throws -> LiveTable? {
        for _ in 0..<max(1, attempts) {
            let before = try generation()
            guard try tables(family: family).contains(where: { $0.name == name.rawValue }) else { return nil }
            let listed = try chains(family: family, table: name.rawValue)
            var builder = LiveTable.Builder(family: family, generation: before, capacity: listed.count)
            let decoded = try decodedRules(family: family, table: name.rawValue, chains: listed)
            for (c, d) in zip(listed, decoded) { builder.add(c, rules: d.rules, handles: d.handles) }
            if try !settled || generation() == before { return builder.table(name) }
            connection.noteRedump()
        }
        throw NetlinkError.dumpInterrupted(operation: "snapshot \(family.tableFamilyName) \(name.rawValue)", attempts: attempts)
    }
}
