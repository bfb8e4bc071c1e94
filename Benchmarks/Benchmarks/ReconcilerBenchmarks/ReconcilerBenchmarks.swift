import Benchmark
import NetlinkBridge
import Reconciler

/// The pure, in-process parts of a sync at 1k and 10k services (seeded cluster shared with the
/// tests and the end-to-end benchmark): desired state, incremental recompute, diff, encoding, decoding.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 50)

    // Desired state and incremental recompute also at 20k (issue 4); the rest at 1k and 10k.
    for n in [1_000, 10_000, 20_000] {
        let fixture = Fixture(n: n)

        Benchmark("DesiredState.compute \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(DesiredState.compute(fixture.state, settings: fixture.settings))
            }
        }

        Benchmark("ChangeTracker one endpoint replaced \(n)") { benchmark in
            var tracker = fixture.tracker
            // The first change copies the shared fixture (copy-on-write): not part of a sync.
            for e in fixture.forward + fixture.backward { e.apply(to: &tracker) }
            var forward = true
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                for e in forward ? fixture.forward : fixture.backward { e.apply(to: &tracker) }
                forward.toggle()
                blackHole(tracker.ruleset)
            }
            // Freeing this run's copy of the tracker is not part of a sync.
            benchmark.stopMeasurement()
        }

        // What a running agent plans per sync: only the changed chains, against its live view.
        Benchmark("Planner.plan(live:change:) one endpoint replaced \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Planner.plan(live: fixture.live, change: fixture.change1))
            }
        }

        Benchmark("Planner.plan(live:change:) 100 services changed \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Planner.plan(live: fixture.live, change: fixture.change100))
            }
        }

        Benchmark("ChangeTracker 100 services changed, one batch \(n)") { benchmark in
            var tracker = fixture.tracker
            tracker.batch { t in for e in fixture.forward100 + fixture.backward100 { e.apply(to: &t) } }
            var forward = true
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                tracker.batch { t in for e in forward ? fixture.forward100 : fixture.backward100 { e.apply(to: &t) } }
                forward.toggle()
                blackHole(tracker.ruleset)
            }
            benchmark.stopMeasurement()
        }

        guard n <= 10_000 else { continue }

        Benchmark("Planner.plan one endpoint replaced \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Planner.plan(observed: fixture.observed, desired: fixture.changedDesired))
            }
        }

        Benchmark("Planner.plan in sync \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Planner.plan(observed: fixture.observed, desired: fixture.desired))
            }
        }

        Benchmark("PlanTranslator.batch one endpoint replaced \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try PlanTranslator.batch(fixture.incrementalPlan).messages())
            }
        }

        Benchmark("PlanTranslator.batch cold apply \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try PlanTranslator.batch(fixture.coldPlan).messages())
            }
        }

        Benchmark("RuleDecoder nat dump \(n)") { benchmark in
            for _ in benchmark.scaledIterations {
                for raw in fixture.dumpedNat {
                    let rule = NftRule(table: "nat", chain: raw.chain,
                                       expressions: try NftRule.decodeExpressions(raw.bytes), rawExpressions: raw.bytes)
                    blackHole(RuleDecoder.decode(rule, family: .ipv4))
                }
            }
        }
    }
}

/// Inputs computed once per size, outside the measurements.
struct Fixture: Sendable {
    let settings = ClusterGenerator.settings
    let state: ClusterState
    let desired: Ruleset
    let changedDesired: Ruleset
    let tracker: ChangeTracker
    let forward: [ClusterChange]
    let backward: [ClusterChange]
    /// 100 services changed (every kind of change) and back.
    let forward100: [ClusterChange]
    let backward100: [ClusterChange]
    let observed: ObservedRuleset
    /// The engine's view of `desired` and the tracker's changes for 1 and 100 changed services.
    let live: LiveIndex
    let change1: DesiredChange
    let change100: DesiredChange
    let incrementalPlan: Plan
    let coldPlan: Plan
    /// Every nat rule as the kernel would dump it: NFTA_RULE_EXPRESSIONS bytes per rule.
    let dumpedNat: [(chain: String, bytes: [UInt8])]

    init(n: Int) {
        let generator = ClusterGenerator(seed: 42)
        let cluster = generator.cluster(services: n)
        state = cluster.state
        desired = DesiredState.compute(state, settings: settings)
        let (changed, events) = generator.changing(cluster, count: 1, kinds: [.endpointReplaced])
        forward = events
        backward = cluster.slices.filter { s in events.contains { e in
            if case .upsertSlice(let c) = e { return c.metadata.name == s.metadata.name && c.metadata.namespace == s.metadata.namespace }
            return false
        } }.map { .upsertSlice($0) }
        changedDesired = DesiredState.compute(changed.state, settings: settings)
        var t = ChangeTracker(settings: settings)
        t.update(to: state)
        tracker = t
        var o = ObservedRuleset.numbering(desired)
        o.generation = 1
        observed = o
        func change(_ events: [ClusterChange]) -> DesiredChange {
            var changing = t
            changing.clearUnappliedChanges()
            for e in events { e.apply(to: &changing) }
            return changing.unappliedChange!
        }
        change1 = change(events)
        forward100 = generator.changing(cluster, count: 100).1
        backward100 = ClusterChange.reversing(forward100, base: cluster)
        change100 = change(forward100)
        var view = LiveIndex(observed)
        view.indexRules(of: change100.deltas.keys)
        live = view
        incrementalPlan = Planner.plan(observed: observed, desired: changedDesired)
        coldPlan = Planner.plan(observed: ObservedRuleset.numbering(Ruleset(family: .ipv4)), desired: desired)
        var dumped: [(chain: String, bytes: [UInt8])] = []
        for chain in desired[table: .nat]?.chains ?? [] {
            for rule in chain.rules {
                let exprs = try! RuleEncoder.expressions(rule, family: .ipv4)
                dumped.append((chain.name, NftRule.encodeExpressions(exprs)))
            }
        }
        dumpedNat = dumped
    }
}
