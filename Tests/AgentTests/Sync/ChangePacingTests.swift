import APIServerSupport
import Agent
import Foundation
import Reconciler
import Testing

/// Latency-first pacing (the default) and kube-proxy's `--iptables-min-sync-period`.
@Suite struct ChangePacingTests {
    let start = ContinuousClock.now

    @Test func fixedPeriodCountsFromTheStartOfTheLastSync() {
        #expect(ChangePacing.fixed(.seconds(1)).next(after: .changes, from: start, to: start + .milliseconds(300)) == start + .seconds(1))
        #expect(ChangePacing.fixed(.seconds(1)).next(after: .initial, from: start, to: start + .milliseconds(300)) == start + .seconds(1))
        #expect(ChangePacing.fixed(.zero).next(after: .changes, from: start, to: start + .milliseconds(300)) == start)
    }

    /// A short sync leaves the 250 ms floor; a long one is followed by a pause of half its time.
    @Test func latencyFirstWaitsHalfTheLastSyncAndAtLeastTheFloor() {
        let pacing = ChangePacing.default
        #expect(pacing.next(after: .changes, from: start, to: start + .milliseconds(5)) == start + .milliseconds(250))
        #expect(pacing.next(after: .changes, from: start, to: start + .milliseconds(300)) == start + .milliseconds(450))
    }

    /// The sync after an isolated change sync goes at once (the rest of its burst: the other
    /// family's slice of one pod change); the one after that is paced again.
    @Test func theSyncAfterAnIsolatedChangeSyncIsNotHeldBack() {
        let pacing = ChangePacing.default
        #expect(pacing.isolated(start: start, earliest: nil))
        #expect(pacing.isolated(start: start + .seconds(1), earliest: start))
        #expect(pacing.isolated(start: start + .milliseconds(100), earliest: start))
        #expect(!pacing.isolated(start: start + .milliseconds(3), earliest: start), "held back until `earliest`")
        #expect(pacing.next(after: .changes, from: start, to: start + .milliseconds(5), isolated: true) == start + .milliseconds(5))
        #expect(pacing.next(after: .changes, from: start, to: start + .milliseconds(5), isolated: false) == start + .milliseconds(250))
        #expect(!ChangePacing.fixed(.seconds(1)).isolated(start: start + .seconds(9), earliest: start))
    }

    /// A 5 s start-up sync does not make the first change wait another 5 s.
    @Test func latencyFirstDoesNotPaceByStartUpOrVerification() {
        let pacing = ChangePacing.default
        #expect(pacing.next(after: .initial, from: start, to: start + .seconds(5)) == start + .seconds(5))
        #expect(pacing.next(after: .periodic, from: start, to: start + .milliseconds(50)) == start + .milliseconds(250))
    }

    @Test func theFlagSelectsThePacing() {
        #expect(AgentConfiguration(settings: K.settings).pacing == .default)
        #expect(AgentConfiguration(settings: K.settings, minSyncPeriod: .seconds(1)).pacing == .fixed(.seconds(1)))
    }
}

/// The default pacing on a running agent: every change in a stream is programmed, in few syncs.
@Suite struct LatencyFirstAgentTests {
    @Test(.timeLimit(.minutes(1)))
    func aStreamOfChangesIsProgrammedInBatchedSyncs() async throws {
        let service = K.service("ns1", "stream", clusterIP: "172.30.1.9", ports: [K.port("p80", 80)])
        let h = try await AgentHarness(minSyncPeriod: nil) { api in api.upsert(service) }
        #expect(await h.converges(to: K.desired([service], [])))
        let before = h.agent.stats.syncs
        var last = K.slice("ns1", "stream", ips: ["10.1.0.1"])
        for i in 0..<300 {
            last = K.slice("ns1", "stream", ips: ["10.3.\(i / 250).\(i % 250 + 1)"])
            h.api.upsert(last)
            if i % 30 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(await h.converges(to: K.desired([service], [last]), within: .seconds(15)))
        let syncs = h.agent.stats.syncs - before
        // ~200 ms of arrivals at one sync per >= 250 ms: a handful, never one per change.
        #expect(syncs >= 1 && syncs <= 30, "300 changes took \(syncs) syncs")
        await h.stop()
    }
}
