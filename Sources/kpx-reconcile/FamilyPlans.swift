import Foundation
import Reconciler

/// The plans of one family or both (a dual-stack node), printed alike by `reconcile`, `diff` and
/// `restore`: one family as always; both one after the other with each summary labelled with
/// its family, and JSON keyed by family (`{"ipv4": …, "ipv6": …}`).
struct FamilyPlans {
    /// Each plan with the state it was computed against (nil: not read).
    var plans: [(plan: Plan, observed: ObservedRuleset?)]

    init(_ outcomes: [ReconcileOutcome]) { plans = outcomes.map { ($0.plan, $0.observed) } }

    init(_ plans: [(plan: Plan, observed: ObservedRuleset?)]) { self.plans = plans }

    var labelled: Bool { plans.count > 1 }
    var changes: Bool { plans.contains { !$0.plan.isEmpty } }

    /// `+3 rules, …` for one family; `ipv4: +3 rules, …; ipv6: nothing to do` for both.
    var summary: String {
        plans.map { (labelled ? "\($0.plan.family.rawValue): " : "") + ($0.plan.isEmpty ? "nothing to do" : "\($0.plan.summary)") }
            .joined(separator: "; ")
    }

    /// The plan documents (`--output json`).
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let documents = plans.map { PlanDocument($0.plan, observed: $0.observed) }
        let data = labelled
            ? try encoder.encode(Dictionary(uniqueKeysWithValues: zip(plans.map(\.plan.family.rawValue), documents)))
            : try encoder.encode(documents[0])
        return String(decoding: data, as: UTF8.self)
    }

    /// The per-Service summary and chain diff of each plan (only the summary with `stat`).
    func text(color: Bool, stat: Bool = false) -> String {
        let renderer = PlanRenderer(color: color, labelsFamily: labelled)
        return plans.map { plan, observed in
            let observed = observed ?? ObservedRuleset(ruleset: Ruleset(family: plan.family))
            return stat ? renderer.stat(plan, observed: observed) : renderer.render(plan, observed: observed)
        }.joined()
    }
}
