public import Reconciler

extension NftTransaction {
    /// The chains of `tables` (by name) in `family` this transaction changed, or nil when it
    /// changed something a chain-level re-read cannot follow (a table, a built-in chain, sets or
    /// objects in those tables).
    public func touchedChains(family: UInt8, tables: [String: TableName]) -> [ChainRef: ChainFate]? {
        var out: [ChainRef: ChainFate] = [:]
        for change in changes where change.family == family {
            guard let table = tables[change.table] else { continue }
            switch change.object {
            case .rule:
                guard let chain = change.chain else { return nil }
                ChainFate.merge(&out, ChainRef(table, chain), .rules)
            case .chain:
                guard let chain = change.chain, !table.builtinChains.contains(chain) else { return nil }
                ChainFate.merge(&out, ChainRef(table, chain), change.added ? .created : .deleted)
            default:
                return nil
            }
        }
        return out
    }
}

/// Which chains each recent transaction changed, per family and generation (bounded), and the
/// merged changes of one family over a run of generations. Not thread-safe: the owner serializes
/// access.
public struct ChainChangeLog: Sendable {
    public let families: [IPFamily]
    public let tables: [String: TableName]
    private var byGeneration: [UInt32: [IPFamily: [ChainRef: ChainFate]?]] = [:]
    /// Generations kept.
    public static let capacity = 4096

    public init(families: [IPFamily], tables: [TableName]) {
        self.families = families
        self.tables = Dictionary(uniqueKeysWithValues: tables.map { ($0.rawValue, $0) })
    }

    /// Records one transaction.
    public mutating func record(_ transaction: NftTransaction) {
        var entry: [IPFamily: [ChainRef: ChainFate]?] = [:]
        for family in families { entry[family] = transaction.touchedChains(family: family == .ipv4 ? 2 : 10, tables: tables) }
        byGeneration[transaction.generation] = entry
        if byGeneration.count > Self.capacity, let oldest = byGeneration.keys.min() { byGeneration[oldest] = nil }
    }

    /// Forgets everything (notifications were lost).
    public mutating func forget() { byGeneration = [:] }

    /// The merged changes of `family` in generations `from+1 ... to`; nil when one is unknown or
    /// not followable. `missing` tells a generation not recorded yet from one that cannot be followed.
    public func merged(family: IPFamily, from: UInt32, to: UInt32) -> (chains: [ChainRef: ChainFate]?, missing: Bool) {
        var all: [ChainRef: ChainFate] = [:]
        var generation = from
        while generation != to {
            generation &+= 1
            guard let entry = byGeneration[generation] else { return (nil, true) }
            guard let followed = entry[family], let chains = followed else { return (nil, false) }
            for (ref, fate) in chains { ChainFate.merge(&all, ref, fate) }
        }
        return (all, false)
    }
}

/// Follows the kernel's nf_tables notifications without a thread: notifications of a commit are
/// queued on the subscribed socket before the committer's sendmsg returns, so draining the
/// socket when asked sees every transaction up to the generation just read.
public final class ChangeFollower {
    private let socket: NftEventSocket
    private var log: ChainChangeLog

    /// Subscribes in `netns`; only transactions after this point can be followed.
    public init(netns: String?, families: [IPFamily], tables: [TableName] = [.filter, .nat]) throws {
        socket = try NftEventSocket(netns: netns)
        log = ChainChangeLog(families: families, tables: tables)
    }

    public convenience init(netns: String?, family: IPFamily, tables: [TableName] = [.filter, .nat]) throws {
        try self.init(netns: netns, families: [family], tables: tables)
    }

    /// The chains of `family` changed by generations `from+1 ... to`, or nil when that is not known.
    public func changedChains(family: IPFamily, from: UInt32, to: UInt32) throws -> [ChainRef: ChainFate]? {
        switch try socket.next(timeoutMilliseconds: 0) {
        case .overrun:
            log.forget()
            return nil
        case .transactions(let list):
            for transaction in list { log.record(transaction) }
        }
        return log.merged(family: family, from: from, to: to).chains
    }
}
