import Testing
@testable import Reconciler

/// The engine's view of the kernel: applying a plan to the view gives what the kernel would hold
/// (the in-memory simulator), and the view renders back to what it was built from.
@Suite struct LiveIndexTests {
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func applyingAPlanToTheViewEqualsSimulatingIt(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var live = RandomRulesets.desired(services: 20, using: &random)
        let desired = RandomRulesets.desired(services: 20, using: &random)
        _ = Damage.apply(to: &live, using: &random)
        let observed = ObservedRuleset.numbering(live)
        var index = LiveIndex(observed)
        #expect(index.observed.ruleset == observed.ruleset, "the view renders back to its input")
        let plan = Planner.plan(observed: observed, desired: desired)
        let simulated = try PlanSimulator.apply(plan, to: observed)
        // No handles learned (as when the echoes were lost): the rules are right, their handles unknown.
        _ = try index.apply(plan, learned: [:])
        #expect(PlannerPropertyTests.ownedView(index.observed.ruleset) == PlannerPropertyTests.ownedView(simulated.ruleset))
    }
}
