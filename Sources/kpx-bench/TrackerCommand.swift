import ArgumentParser
import Foundation
import Reconciler
import ReconcilerTesting

/// `kpx-bench tracker`: the change tracker alone, no kernel: per sync, the time to apply one
/// change's events and then read the ruleset and the unapplied change (for profiling).
struct TrackerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tracker", abstract: "Change-tracker recompute probe.")

    @Option var services: Int
    @Option var seed: UInt64 = 42
    @Option var syncs = 50
    @Option(help: "Services changed per sync (1: an endpoint replaced; more: every kind of change).") var changed = 1
    @Flag(help: "Check every sync against a full recompute.") var verify = false

    func run() throws {
        let generator = ClusterGenerator(seed: seed)
        let cluster = generator.cluster(services: services)
        let settings = ClusterGenerator.settings
        var tracker = ChangeTracker(settings: settings)
        tracker.update(to: cluster.state)
        tracker.clearUnappliedChanges()
        let (target, forward) = generator.changing(cluster, count: changed, kinds: changed == 1 ? [.endpointReplaced] : ChangeKind.allCases)
        let backward = ClusterChange.reversing(forward, base: cluster)
        var applyMs: [Double] = [], readMs: [Double] = []
        for i in 0..<syncs {
            let t0 = ContinuousClock.now
            tracker.batch { t in for e in (i % 2 == 0 ? forward : backward) { e.apply(to: &t) } }
            applyMs.append(milliseconds(since: t0))
            let t1 = ContinuousClock.now
            let rs = tracker.ruleset
            let change = tracker.unappliedChange
            readMs.append(milliseconds(since: t1))
            tracker.clearUnappliedChanges()
            if verify {
                let expected = DesiredState.compute(i % 2 == 0 ? target.state : cluster.state, settings: settings)
                guard rs == expected, change != nil else { throw BenchError("tracker diverged at sync \(i)") }
            }
        }
        func median(_ a: [Double]) -> Double { a.sorted()[a.count / 2] }
        print(String(format: "apply %.3f ms, read %.3f ms (median of %d syncs)", median(applyMs), median(readMs), syncs))
    }
}
