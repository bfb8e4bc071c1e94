/// A whole-table read that completes while others keep writing: the tables are read chain by
/// chain in one pass without waiting for a quiet moment, then the chains the change
/// notifications name as changed during that pass are read again. The result is labelled with
/// the generation the pass ended at; a chain re-read after it may already show a later commit,
/// which is safe because nothing is written against the view unguarded: a commit planned on it
/// is refused if the kernel moved on, and the engine then follows the later generations from the
/// notifications (re-reading what they name) before planning again. So the read finishes as long
/// as single chains can be read between two writes, and costs the chains changed meanwhile.
struct SettledRead {
    let backend: RulesetBackend
    let family: IPFamily
    let tables: [TableName]
    /// Passes tried before the quiet-moment read.
    var attempts = 4

    func read() throws -> ObservedRuleset {
        for _ in 0..<attempts {
            let (observed, through) = try backend.observeUnsettled(family: family, tables: tables)
            if let settled = try settle(observed, through: through) { return settled }
        }
        return try backend.observe(family: family, tables: tables)
    }

    /// `observed` (read from its generation through `through`) with the chains changed in between
    /// read again, labelled `through`; nil when the notifications cannot name them (read again).
    func settle(_ observed: ObservedRuleset, through: UInt32) throws -> ObservedRuleset? {
        guard let from = observed.generation else { return nil }
        if from == through { return observed }
        guard let all = try backend.changedChains(family: family, from: from, to: through) else { return nil }
        let changed = all.filter { tables.contains($0.key.table) }
        // Foreign chains (Docker's, a CNI plugin's) never change a plan: they are not read again,
        // so a chain someone appends to all the time cannot hold the read up.
        let reread = changed.filter { $0.value != .deleted && ReconcileEngine.matters($0.key) }.keys
            .sorted { ($0.table.rawValue, $0.chain) < ($1.table.rawValue, $1.chain) }
        var fresh = try backend.observe(family: family, chains: reread)
        for (ref, fate) in changed where fate == .deleted { fresh[ref] = .some(nil) }
        var view = LiveIndex(observed)
        view.replaceRules(with: fresh)
        view.generation = through
        return view.observed
    }
}
