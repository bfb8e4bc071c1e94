import Foundation
import Logging
public import NetlinkBridge
import Reconciler
import Synchronization

/// Follows nf_tables change notifications in the target namespace on its own thread and reports
/// transactions committed by other processes to the tables we own rules in.
final class DriftWatcher: Sendable {
    private let socket: UncheckedBox<NftEventSocket>
    private let stopped = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)
    /// The nf_tables families (NFPROTO_IPV4 2, NFPROTO_IPV6 10) whose tables we follow.
    let families: Set<UInt8>
    let tables: Set<String>
    /// Netlink ports our own commits come from.
    let ownPorts: Set<UInt32>

    init(netns: String?, families: [IPFamily], ownPorts: Set<UInt32>, tables: [TableName] = [.filter, .nat]) throws {
        self.ownPorts = ownPorts
        socket = UncheckedBox(try NftEventSocket(netns: netns))
        self.families = Set(families.map { $0 == .ipv4 ? 2 : 10 })
        self.tables = Set(tables.map(\.rawValue))
    }

    /// Whether a transaction concerns us: someone else's, touching one of our chains, a built-in
    /// chain (where our jumps live) or a table-level object of one of our tables. A transaction
    /// that only changed foreign chains (Docker's, a CNI plugin's) costs nothing here; the engine
    /// follows it from the notifications at its next sync.
    func relevant(_ transaction: NftTransaction) -> Bool {
        if ownPorts.contains(transaction.portID) { return false }
        return transaction.changes.contains { change in
            guard families.contains(change.family), tables.contains(change.table) else { return false }
            guard change.object == .rule || change.object == .chain, let chain = change.chain,
                  let table = TableName(rawValue: change.table) else { return true }
            return Ownership.owns(chain: chain, in: table) || table.builtinChains.contains(chain)
        }
    }

    /// Starts the reading thread; `report` is called from it.
    func start(logger: Logger, log: TransactionLog, report: @escaping @Sendable (NftTransaction?) -> Void) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                do {
                    switch try socket.value.next(timeoutMilliseconds: 100) {
                    case .overrun:
                        logger.warning("nf_tables event socket overflowed; checking all rules")
                        log.lost()
                        report(nil)
                    case .transactions(let list):
                        for t in list {
                            log.record(t)
                            if relevant(t) { report(t) }
                        }
                    }
                } catch {
                    logger.error("nf_tables event socket failed; drift is caught by the periodic sync only", metadata: ["error": "\(error)"])
                    log.lost()
                    break
                }
            }
            finished.withLock { $0 = true }
        }
        thread.name = "kpx-drift-watcher"
        thread.start()
    }

    /// Runs `body` (a large commit of ours) with the socket out of the notification group, then
    /// joins again and reports lost events: whatever others did meanwhile is caught by the
    /// verification that follows (the drift sync re-reads the tables).
    func unobserved<T>(log: TransactionLog, report: @Sendable (NftTransaction?) -> Void, _ body: () throws -> T) throws -> T {
        try socket.value.subscribe(false)
        defer {
            try? socket.value.subscribe(true)
            log.lost()
            report(nil)
        }
        return try body()
    }

    /// Stops the thread and waits (bounded) until it has.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        for _ in 0..<50 where !finished.withLock({ $0 }) { usleep(10_000) }
    }
}

/// Hands a non-Sendable value to exactly one other thread.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A backend that writes through a netlink socket of its own: its port tells our commits apart
/// in the nf_tables event stream.
public protocol KernelWriter {
    var writerPortID: UInt32? { get }
}

extension NetlinkBackend: KernelWriter {
    public var writerPortID: UInt32? { (client.connection.exchange as? NetlinkSocket)?.portID }
}
