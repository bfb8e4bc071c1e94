import Testing
@testable import Reconciler

@Suite struct ScriptPlannerTests {
    let base = """
    *filter
    :INPUT ACCEPT [0:0]
    :FORWARD DROP [0:0]
    :OUTPUT ACCEPT [0:0]
    :DOCKER - [0:0]
    :MINE - [0:0]
    -A INPUT -j MINE
    -A DOCKER -i docker0 -j RETURN
    -A MINE -s 10.0.0.0/8 -j ACCEPT
    -A MINE -j DROP
    COMMIT

    """

    func plan(_ script: String, noflush: Bool) throws -> (Plan, ObservedRuleset) {
        let observed = ObservedRuleset.numbering(try RestoreParser.ruleset(base))
        var start = observed.ruleset
        if !noflush { start.tables = [] }
        let parsed = try RestoreParser.parse(script)
        let desired = try parsed.apply(to: start, noflush: noflush)
        return (ScriptPlanner.plan(observed: observed, desired: desired, tables: parsed.tables.map(\.name)), observed)
    }

    @Test func restoringTheSameTextChangesNothing() throws {
        let (plan, _) = try plan(base, noflush: false)
        #expect(plan.isEmpty)
    }

    @Test func noflushTouchesOnlyWhatDiffers() throws {
        let script = "*filter\n:MINE - [0:0]\n-A MINE -s 10.0.0.0/8 -j ACCEPT\n-A MINE -s 192.168.0.0/16 -j ACCEPT\n-A MINE -j DROP\nCOMMIT\n"
        let (plan, observed) = try plan(script, noflush: true)
        #expect(plan.operations.count == 1)
        guard case .insertRule(.filter, "MINE", _, .before(let handle)) = plan.operations.first else {
            Issue.record("expected one insert, got \(plan.operations)")
            return
        }
        #expect(handle == observed.handles(.filter, "MINE")[1])
        let after = try PlanSimulator.apply(plan, to: observed)
        #expect(after.ruleset[table: .filter]?[chain: "DOCKER"] == observed.ruleset[table: .filter]?[chain: "DOCKER"])
    }

    @Test func flushModeDropsWhatTheScriptOmits() throws {
        let script = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:MINE - [0:0]\n-A INPUT -j MINE\n-A MINE -j DROP\nCOMMIT\n"
        let (plan, observed) = try plan(script, noflush: false)
        let after = try PlanSimulator.apply(plan, to: observed)
        #expect(after.ruleset[table: .filter]?[chain: "DOCKER"] == nil)
        #expect(after.ruleset[table: .filter]?[chain: "FORWARD"]?.policy == .accept)
        #expect(after.ruleset[table: .filter]?[chain: "MINE"]?.rules.count == 1)
        #expect(plan.summary.rulesDeleted == 2 && plan.summary.chainsDeleted == 1)
    }
}
