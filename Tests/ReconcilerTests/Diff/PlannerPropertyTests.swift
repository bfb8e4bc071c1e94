import Testing
@testable import Reconciler

/// Laws of the planner on random clusters and random live states:
/// apply(plan(live, desired), live) == desired (on what we own); planning an in-sync state
/// gives nothing; foreign chains and rules never change; the operation count equals the
/// size of the difference we introduced.
@Suite struct PlannerPropertyTests {
    static let seeds: [UInt64] = Array(1...25)

    /// What we own, in comparable form: owned chains (free-order chains as sorted text with
    /// the pinned rule last) and the multiset of our jumps per built-in chain.
    static func ownedView(_ ruleset: Ruleset) -> [String: [String]] {
        var view: [String: [String]] = [:]
        for table in ruleset.tables {
            for chain in table.chains {
                let key = "\(table.name.rawValue)/\(chain.name)"
                let lines = chain.rules.map { SaveRenderer.render($0, family: ruleset.family) }
                if table.name.builtinChains.contains(chain.name) {
                    guard chain.rules.contains(where: { Ownership.isOurJump($0, in: table.name) }) else { continue }
                    view[key] = chain.rules.filter { Ownership.isOurJump($0, in: table.name) }
                        .map { SaveRenderer.render($0, family: ruleset.family) }.sorted()
                } else if Ownership.owns(chain: chain.name, in: table.name) {
                    if Ownership.hasFreeOrder(chain.name) {
                        let pinned = chain.rules.filter(Ownership.isPinnedLast)
                        let last = chain.rules.suffix(pinned.count).map { SaveRenderer.render($0, family: ruleset.family) }
                        view[key] = lines.sorted() + ["--last--"] + last
                    } else {
                        view[key] = lines
                    }
                }
            }
        }
        return view
    }

    /// Keys whose values differ, with both values, for short failure messages.
    static func differences(_ a: [String: [String]], _ b: [String: [String]]) -> [String] {
        Set(a.keys).union(b.keys).sorted().filter { a[$0] != b[$0] }.prefix(3)
            .map { "\($0):\n  got  \(a[$0] ?? ["<missing>"])\n  want \(b[$0] ?? ["<missing>"])" }
    }

    /// Foreign chains and the foreign rules of built-in chains, in order.
    static func foreignView(_ ruleset: Ruleset) -> [String: [String]] {
        var view: [String: [String]] = [:]
        for table in ruleset.tables {
            for chain in table.chains where !Ownership.owns(chain: chain.name, in: table.name) {
                let foreign = chain.rules.filter { !Ownership.isOurJump($0, in: table.name) }
                if foreign.isEmpty && chain.isBuiltin { continue }
                view["\(table.name.rawValue)/\(chain.name)"] = foreign.map { SaveRenderer.render($0, family: ruleset.family) }
            }
        }
        return view
    }

    func converge(_ live: Ruleset, _ desired: Ruleset) throws -> (Plan, Ruleset) {
        let observed = ObservedRuleset.numbering(live)
        let plan = Planner.plan(observed: observed, desired: desired)
        let after = try PlanSimulator.apply(plan, to: observed)
        let owned = Self.differences(Self.ownedView(after.ruleset), Self.ownedView(desired))
        #expect(owned.isEmpty, "\(owned.joined(separator: "\n"))")
        let foreign = Self.differences(Self.foreignView(after.ruleset), Self.foreignView(live))
        #expect(foreign.isEmpty, "\(foreign.joined(separator: "\n"))")
        let again = Planner.plan(observed: after, desired: desired)
        #expect(again.isEmpty, "second plan not empty: \(again.operations.prefix(3))")
        return (plan, after.ruleset)
    }

    @Test(arguments: seeds)
    func inSyncPlansNothing(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let desired = RandomRulesets.desired(services: 20, using: &random)
        let live = RandomRulesets.withForeign(desired)
        #expect(Planner.plan(observed: .numbering(live), desired: desired).isEmpty)
    }

    @Test(arguments: seeds)
    func fromEmptyTables(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let desired = RandomRulesets.desired(services: 10, using: &random)
        let (plan, _) = try converge(Ruleset(family: .ipv4), desired)
        let rules = desired.tables.reduce(0) { $0 + $1.chains.reduce(0) { $0 + $1.rules.count } }
        #expect(plan.summary.rulesAdded == rules)
    }

    @Test(arguments: seeds)
    func randomDamageIsRepairedExactly(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let desired = RandomRulesets.desired(services: 30, using: &random)
        var live = RandomRulesets.withForeign(desired)
        let damage = Damage.apply(to: &live, using: &random)
        let (plan, _) = try converge(live, desired)
        #expect(plan.operations.count == damage.expectedOperations, "\(damage.log)")
    }

    @Test func staleServiceChainsAreRemovedAndNothingElse() throws {
        var random = SeededRandom(seed: 99)
        let desired = RandomRulesets.desired(services: 5, using: &random)
        var live = RandomRulesets.withForeign(desired)
        live[table: .nat]!.chains.append(Chain(name: "KUBE-SVC-GONE", rules: [RandomRulesets.jump("KUBE-SEP-GONE")]))
        live[table: .nat]!.chains.append(Chain(name: "KUBE-SEP-GONE", rules: [Rule(target: .mark(.or(1)))]))
        live[table: .nat]!.chains.append(Chain(name: "KUBE-SEP-EMPTY"))
        live[table: .nat]![chain: "KUBE-SERVICES"]!.rules.insert(RandomRulesets.jump("KUBE-SVC-GONE"), at: 0)
        let (plan, after) = try converge(live.canonicallyOrdered(), desired)
        #expect(plan.summary.chainsDeleted == 3)
        #expect(plan.summary.rulesDeleted == 3, "the jump, and one flushed rule in each non-empty stale chain")
        #expect(after[table: .nat]?[chain: "KUBE-SVC-GONE"] == nil)
    }

    @Test func staleChainReferencedByForeignRuleIsKept() throws {
        var random = SeededRandom(seed: 7)
        let desired = RandomRulesets.desired(services: 2, using: &random)
        var live = RandomRulesets.withForeign(desired)
        live[table: .nat]!.chains.append(Chain(name: "KUBE-SEP-OLD"))
        live[table: .nat]![chain: "DOCKER"]!.rules.append(RandomRulesets.jump("KUBE-SEP-OLD"))
        let plan = Planner.plan(observed: .numbering(live), desired: desired)
        #expect(plan.isEmpty)
        #expect(plan.warnings.contains { $0.contains("KUBE-SEP-OLD") })
    }

    @Test func pinnedRuleMovesBackToTheEnd() throws {
        var random = SeededRandom(seed: 5)
        let desired = RandomRulesets.desired(services: 4, using: &random)
        var live = desired
        var rules = live[table: .nat]![chain: "KUBE-SERVICES"]!.rules
        let pinned = rules.removeLast()
        rules.insert(pinned, at: 1)
        live[table: .nat]![chain: "KUBE-SERVICES"]!.rules = rules
        let (plan, after) = try converge(live, desired)
        #expect(plan.operations.count == 2)
        #expect(after[table: .nat]![chain: "KUBE-SERVICES"]!.rules.last == pinned)
    }

    @Test func opaqueRuleInOwnedChainIsDeletedNotReplaced() throws {
        var random = SeededRandom(seed: 11)
        let desired = RandomRulesets.desired(services: 3, using: &random)
        var live = desired
        let chain = live[table: .nat]!.chains.first { $0.name.hasPrefix("KUBE-SEP-") }!.name
        live[table: .nat]![chain: chain]!.rules[0] = Rule(opaque: OpaqueRule(expressions: [1, 2, 3], reason: "test"))
        let (plan, _) = try converge(live, desired)
        #expect(plan.summary.rulesDeleted == 1 && plan.summary.rulesAdded == 1 && plan.summary.rulesReplaced == 0)
    }
}
