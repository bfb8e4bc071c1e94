import Logging
import NetlinkBridge

/// The agent's loop: takes what arrived (cluster events, drift, shutdown), hands events to the
/// `Syncer`, and runs the sync the `SyncScheduler` says is due.
struct SyncLoop {
    let inbox: Inbox
    let syncer: Syncer
    let counters: AgentCounters
    let logger: Logger
    var scheduler: SyncScheduler

    mutating func run() async {
        while true {
            let wake = scheduler.deadline(synced: syncer.isSynced, pending: syncer.hasPending)
            var stop = false
            for input in await inbox.take(until: wake) {
                switch input {
                case .shutdown: stop = true
                case .cluster(let event): syncer.absorb(event)
                case .drift(let transaction): noteDrift(transaction)
                }
            }
            if stop { return }
            let now = ContinuousClock.now
            guard let reason = scheduler.due(at: now, synced: syncer.isSynced, pending: syncer.hasPending) else { continue }
            _ = scheduler.starting(reason, at: now)
            let ok = await syncer.sync(reason)
            scheduler.finished(reason, ok: ok, start: now, end: .now)
        }
    }

    private mutating func noteDrift(_ transaction: NftTransaction?) {
        scheduler.noteDrift()
        guard let transaction else {
            logger.info("nf_tables events not followed (socket overflow or a large commit of ours); verifying our tables")
            return
        }
        counters.driftEvent()
        logger.info("foreign change to our tables", metadata: [
            "process": "\(transaction.processName ?? "?")", "pid": "\(transaction.pid.map(String.init) ?? "?")",
            "generation": "\(transaction.generation.description)"])
    }
}
