import Testing
@testable import Reconciler
import ReconcilerTesting

/// The planner, PlanSimulator and the engine's post-commit refresh on thousands of chains.
/// Regression: all three were quadratic (a linear chain search per desired chain in the
/// planner; a sort of the table per created chain, a copy of the
/// table and a linear chain search per operation, a linear "seen" search per touched chain):
/// a 2,000-service first apply through the CLI spent ~45 s of CPU after the kernel had already
/// committed. Behaviour is checked here; speed only in benchmarks.
@Suite struct LargePlanTests {
    @Test func largeFirstApplyIsSimulatedExactly() throws {
        var random = SeededRandom(seed: 11)
        let desired = RandomRulesets.desired(services: 3000, using: &random)
        let observed = ObservedRuleset.numbering(Ruleset(family: .ipv4))
        let plan = Planner.plan(observed: observed, desired: desired)
        let after = try PlanSimulator.apply(plan, to: observed)
        #expect(Planner.plan(observed: after, desired: desired).isEmpty)
        for table in after.ruleset.tables {
            #expect(table == table.canonicallyOrdered(), "chains in iptables-save order")
            let handles = table.chains.flatMap { after.handles(table.name, $0.name) }
            #expect(handles.count == table.chains.reduce(0) { $0 + $1.rules.count } && Set(handles).count == handles.count)
        }
    }

    func nat(_ chains: [Chain]) -> ObservedRuleset {
        let builtins = TableName.nat.builtinChains.map { Chain(name: $0, policy: .accept) }
        return ObservedRuleset.numbering(Ruleset(family: .ipv4, tables: [Table(name: .nat, chains: builtins + chains)]))
    }

    /// Chains created and deleted in one plan (one of them deleted and created again) end in
    /// iptables-save order; an operation on a deleted chain is refused.
    @Test func createAndDeleteInOnePlan() throws {
        let dnat = RandomRulesets.rule("-p tcp -m tcp -j DNAT --to-destination 10.1.0.1:80")
        let observed = nat([Chain(name: "KUBE-SEP-D", rules: [dnat]), Chain(name: "KUBE-SEP-B", rules: [dnat]),
                            Chain(name: "KUBE-SEP-E")])
        let plan = Plan(family: .ipv4, operations: [
            .createChain(table: .nat, chain: "KUBE-SEP-C"), .createChain(table: .nat, chain: "KUBE-SEP-A"),
            .insertRule(table: .nat, chain: "KUBE-SEP-A", rule: dnat, placement: .append),
            .flushChain(table: .nat, chain: "KUBE-SEP-D", rules: 1), .deleteChain(table: .nat, chain: "KUBE-SEP-D"),
            .deleteChain(table: .nat, chain: "KUBE-SEP-E"), .createChain(table: .nat, chain: "KUBE-SEP-E"),
        ])
        let after = try PlanSimulator.apply(plan, to: observed)
        let names = after.ruleset[table: .nat]!.chains.map(\.name)
        #expect(names == TableName.nat.builtinChains + ["KUBE-SEP-A", "KUBE-SEP-B", "KUBE-SEP-C", "KUBE-SEP-E"])
        #expect(after.ruleset[table: .nat]![chain: "KUBE-SEP-A"]!.rules == [dnat])
        #expect(after.handles(.nat, "KUBE-SEP-A") == [3])
        var refused = plan
        refused.operations.append(.insertRule(table: .nat, chain: "KUBE-SEP-D", rule: dnat, placement: .append))
        #expect(throws: PlanApplyError.self) { try PlanSimulator.apply(refused, to: observed) }
        var duplicate = plan
        duplicate.operations.append(.createChain(table: .nat, chain: "KUBE-SEP-B"))
        #expect(throws: PlanApplyError.self) { try PlanSimulator.apply(duplicate, to: observed) }
    }

    /// After a large apply the engine's cached state is exactly what a fresh read returns.
    @Test func engineCacheAfterLargeApplyEqualsAFreshRead() throws {
        var random = SeededRandom(seed: 5)
        let desired = RandomRulesets.desired(services: 2000, using: &random)
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        engine.refreshLimit = .max
        let outcome = try engine.reconcile(desired)
        #expect(outcome.applied)
        let fresh = try backend.observe(family: .ipv4, tables: [.filter, .nat])
        #expect(engine.cache?.ruleset == fresh.ruleset)
        // Chains without rules may or may not have an (empty) handle list.
        func nonEmpty(_ h: [TableName: [String: [UInt64]]]?) -> [TableName: [String: [UInt64]]]? {
            h?.mapValues { $0.filter { !$0.value.isEmpty } }
        }
        #expect(nonEmpty(engine.cache?.handles) == nonEmpty(fresh.handles))
        #expect(engine.cache?.generation == fresh.generation)
    }

    /// A one-shot engine keeps nothing after applying (the CLI), so the next reconcile re-reads.
    @Test func engineWithoutStateRereads() throws {
        var random = SeededRandom(seed: 6)
        let desired = RandomRulesets.desired(services: 20, using: &random)
        let backend = InMemoryBackend(Ruleset(family: .ipv4))
        let engine = ReconcileEngine(backend: backend, family: .ipv4)
        engine.keepsState = false
        #expect(try engine.reconcile(desired).applied && engine.cache == nil)
        let again = try engine.reconcile(desired)
        #expect(again.reread && again.plan.isEmpty && backend.fullReads == 2)
    }
}
