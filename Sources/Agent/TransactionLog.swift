import Foundation
import NetlinkBridge
import Reconciler
import Synchronization

/// What each recent nf_tables transaction changed in the tables we read, by generation, as the
/// event socket reported it (our own commits included). Lets a re-read be limited to the chains
/// that changed since a known generation.
final class TransactionLog: Sendable {
    /// What happened to a chain over a run of transactions (the last create or delete wins).
    enum Fate: Equatable { case rules, created, deleted }
    /// The chains one transaction touched, or nil when it changed something a chain-level
    /// re-read cannot follow (a table, a built-in chain, sets or objects).
    typealias Touched = [ChainRef: Fate]?

    static func merge(_ a: inout [ChainRef: Fate], _ ref: ChainRef, _ fate: Fate) {
        if fate == .rules, a[ref] != nil { return }
        a[ref] = fate
    }

    private struct State {
        var byGeneration: [UInt32: Touched] = [:]
        /// Bumped when events were lost: everything before is unknown.
        var epoch = 0
    }
    private let state = Mutex(State())
    let family: UInt8
    let tables: [String: TableName]
    static let capacity = 4096

    init(family: IPFamily, tables: [TableName] = [.filter, .nat]) {
        self.family = family == .ipv4 ? 2 : 10
        self.tables = Dictionary(uniqueKeysWithValues: tables.map { ($0.rawValue, $0) })
    }

    var epoch: Int { state.withLock { $0.epoch } }

    func record(_ transaction: NftTransaction) {
        let touched = touchedChains(transaction)
        state.withLock { s in
            s.byGeneration[transaction.generation] = touched
            if s.byGeneration.count > Self.capacity, let oldest = s.byGeneration.keys.min() { s.byGeneration[oldest] = nil }
        }
    }

    func lost() { state.withLock { $0.byGeneration = [:]; $0.epoch += 1 } }

    /// The chains touched by generations `after+1 ... through`, waiting up to `wait` for
    /// notifications still in flight; nil when some generation is unknown or not patchable.
    func touched(after: UInt32, through: UInt32, epoch: Int, wait: Duration = .milliseconds(50)) -> [ChainRef: Fate]? {
        let deadline = ContinuousClock.now + wait
        while true {
            let result = state.withLock { s -> (done: Bool, chains: [ChainRef: Fate]?) in
                guard s.epoch == epoch else { return (true, nil) }
                var all: [ChainRef: Fate] = [:]
                var generation = after
                while generation != through {
                    generation &+= 1
                    guard let entry = s.byGeneration[generation] else { return (false, nil) }
                    guard let chains = entry else { return (true, nil) }
                    for (ref, fate) in chains { Self.merge(&all, ref, fate) }
                }
                return (true, all)
            }
            if result.done { return result.chains }
            if ContinuousClock.now >= deadline { return nil }
            usleep(1000)
        }
    }

    private func touchedChains(_ transaction: NftTransaction) -> Touched {
        var out: [ChainRef: Fate] = [:]
        for change in transaction.changes where change.family == family {
            guard let table = tables[change.table] else { continue }
            switch change.object {
            case .rule:
                guard let chain = change.chain else { return nil }
                Self.merge(&out, ChainRef(table, chain), .rules)
            case .chain:
                guard let chain = change.chain, !table.builtinChains.contains(chain) else { return nil }
                Self.merge(&out, ChainRef(table, chain), change.added ? .created : .deleted)
            default:
                return nil
            }
        }
        return out
    }
}

/// A backend that answers full reads by re-reading only the chains changed since its last read
/// (from the `TransactionLog`), falling back to a full read whenever the log cannot vouch for
/// every generation in between. Writes go straight to the inner backend.
final class PatchingBackend: RulesetBackend, KernelWriter {
    let inner: RulesetBackend
    let log: TransactionLog
    private var base: (observed: ObservedRuleset, tables: [TableName], epoch: Int)?
    private(set) var fullReads = 0
    private(set) var partialReads = 0
    private(set) var lastReadWasPartial = false

    init(inner: RulesetBackend, log: TransactionLog) {
        self.inner = inner
        self.log = log
    }

    var writerPortID: UInt32? { (inner as? KernelWriter)?.writerPortID }

    func generation() throws -> UInt32 { try inner.generation() }

    func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        try inner.observe(family: family, chains: chains)
    }

    func commit(_ plan: Plan) throws {
        try committing(plan) { try inner.commit(plan) }
    }

    func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] {
        try committing(plan) { try inner.commitLearningHandles(plan) }
    }

    /// Runs the inner backend's commit of `plan`, forgetting the last read when it fails or
    /// created a table.
    private func committing<T>(_ plan: Plan, _ body: () throws -> T) throws -> T {
        let result: T
        do { result = try body() } catch {
            base = nil
            throw error
        }
        // A table we created cannot be followed chain by chain: read the new state once now, so
        // the next change by someone else is.
        if let tables = base?.tables, plan.operations.contains(where: { if case .createTable = $0 { return true } else { return false } }) {
            base = nil
            _ = try? observe(family: plan.family, tables: tables)
        }
        return result
    }

    /// The next read is a full one (periodic verification: trust nothing remembered).
    func reset() { base = nil }

    func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset {
        if let patched = try patched(family: family, tables: tables) {
            partialReads += 1
            lastReadWasPartial = true
            return patched
        }
        lastReadWasPartial = false
        let epoch = log.epoch
        let observed = try inner.observe(family: family, tables: tables)
        fullReads += 1
        base = observed.generation == nil ? nil : (observed, tables, epoch)
        return observed
    }

    /// The last read with the changed chains re-read, or nil when that cannot be trusted.
    private func patched(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset? {
        guard let base, base.tables == tables, let from = base.observed.generation else { return nil }
        let now = try inner.generation()
        guard let chains = log.touched(after: from, through: now, epoch: base.epoch) else { return nil }
        var next = base.observed
        let fresh = try inner.observe(family: family, chains: chains.filter { $0.value != .deleted }.map(\.key))
        for (ref, fate) in chains {
            guard var table = next.ruleset[table: ref.table] else { return nil }
            if fate != .deleted {
                guard let value = fresh[ref] ?? nil else { return nil }
                if let i = table.index(of: ref.chain) { table.chains[i].rules = value.rules } else {
                    table.chains.append(Chain(name: ref.chain, rules: value.rules))
                }
                next.handles[ref.table, default: [:]][ref.chain] = value.handles
            } else {
                table.chains.removeAll { $0.name == ref.chain }
                next.handles[ref.table]?[ref.chain] = nil
            }
            next.ruleset[table: ref.table] = table
        }
        guard try inner.generation() == now else { return nil }
        next.generation = now
        self.base = (next, tables, base.epoch)
        return next
    }
}
