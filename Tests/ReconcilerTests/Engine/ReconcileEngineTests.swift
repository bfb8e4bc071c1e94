import Testing
@testable import Reconciler
import ReconcilerTesting

@Suite struct ReconcileEngineTests {
    func cluster(_ services: Int, seed: UInt64 = 3) -> Ruleset {
        var random = SeededRandom(seed: seed)
        return RandomRulesets.desired(services: services, using: &random)
    }

    @Test func convergesThenReusesItsOwnStateWithoutRereading() throws {
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        let desired = cluster(8)
        let first = try engine.reconcile(desired)
        #expect(first.applied && first.reread)
        #expect(Planner.plan(observed: backend.state, desired: desired).isEmpty)
        let second = try engine.reconcile(desired)
        #expect(!second.applied && !second.reread && second.plan.isEmpty)
        #expect(backend.fullReads == 1)
    }

    @Test func incrementalChangeUsesCachedHandles() throws {
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        var desired = cluster(8)
        _ = try engine.reconcile(desired)
        let sep = desired[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SEP-") }!.name
        desired[table: .nat]![chain: sep]!.rules[1] = RandomRulesets.rule("-p tcp -m tcp -j DNAT --to-destination 10.99.0.1:8080")
        let outcome = try engine.reconcile(desired)
        #expect(outcome.applied && !outcome.reread)
        #expect(outcome.plan.operations.count == 1)
        #expect(backend.fullReads == 1)
        #expect(try engine.verify(desired).isEmpty)
    }

    @Test func foreignWriteForcesARead() throws {
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        let desired = cluster(4)
        _ = try engine.reconcile(desired)
        backend.externalWrite { $0[table: .nat]![chain: "KUBE-SERVICES"]!.rules.removeFirst() }
        let outcome = try engine.reconcile(desired)
        #expect(outcome.reread && outcome.applied && outcome.plan.operations.count == 1)
    }

    @Test func concurrentWriterBetweenReadAndCommitIsRetried() throws {
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        var interfered = false
        backend.beforeCommit = { backend in
            guard !interfered else { return }
            interfered = true
            backend.externalWrite { $0[table: .mangle] = Table(name: .mangle) }
        }
        let desired = cluster(4)
        let outcome = try engine.reconcile(desired)
        #expect(outcome.retries == 1 && outcome.applied)
        #expect(backend.state.ruleset[table: .mangle] != nil)
        #expect(try engine.verify(desired).isEmpty)
    }

    @Test func endlessConflictsFailClearlyAndApplyNothing() throws {
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        backend.beforeCommit = { $0.externalWrite { _ in } }
        #expect(throws: ReconcileError.self) { try engine.reconcile(cluster(2)) }
        #expect(backend.commits == 0)
    }

    @Test func dryRunChangesNothing() throws {
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        let outcome = try engine.reconcile(cluster(3), dryRun: true)
        #expect(!outcome.applied && !outcome.plan.isEmpty)
        #expect(backend.commits == 0 && backend.state.ruleset.tables.isEmpty)
    }
}
