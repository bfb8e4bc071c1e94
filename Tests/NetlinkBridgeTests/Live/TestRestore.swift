import NetlinkBridge
import Reconciler

/// `kpx-reconcile restore`'s path (the engine over the kernel backend) for tests.
enum TestRestore {
    @discardableResult
    static func run(_ script: RestoreScript, client: NftClient, noflush: Bool = false,
                    dryRun: Bool = false) throws -> ReconcileOutcome {
        let engine = ReconcileEngine(backend: NetlinkBackend(client: client), family: script.family,
                                     tables: script.tables.map(\.name))
        return try engine.restore(script, noflush: noflush, dryRun: dryRun)
    }
}
