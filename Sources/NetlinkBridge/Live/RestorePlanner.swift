import Reconciler

/// Plans an `iptables-restore`-equivalent transaction from a parsed restore script as the
/// minimal difference between the live tables and the script's result.
///
/// Without `noflush` the script's tables end exactly as the script says (iptables-restore
/// rebuilds them); with `noflush` chains the script does not mention keep their rules. Either
/// way only rules that differ are written: unchanged rules keep their handles and counters, and
/// rules we cannot decode are deleted when the script drops them but never re-encoded.
public enum RestorePlanner {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The plan, for display (`--dry-run`) and for commit through `PlanTranslator`.
    public static func minimalPlan(_ script: RestoreScript, current: [LiveTable], noflush: Bool) throws -> (Plan, ObservedRuleset) {
        var handles: [TableName: [String: [UInt64]]] = [:]
        for live in current { handles[live.table.name] = live.handles }
        let observed = ObservedRuleset(ruleset: Ruleset(family: script.family, tables: current.map(\.table)),
                                       handles: handles, generation: current.first?.generation)
        var base = observed.ruleset
        if !noflush { base.tables = base.tables.filter { table in !script.tables.contains { $0.name == table.name } } }
        let desired: Ruleset
        do { desired = try script.apply(to: base, noflush: noflush) } catch {
            throw Failure(description: "\(error)")
        }
        let plan = ScriptPlanner.plan(observed: observed, desired: desired, tables: script.tables.map(\.name))
        return (plan, observed)
    }

    /// The transaction to commit.
    public static func plan(_ script: RestoreScript, current: [LiveTable], noflush: Bool) throws -> NftBatch {
        let (plan, _) = try minimalPlan(script, current: current, noflush: noflush)
        do { return try PlanTranslator.batch(plan) } catch {
            throw Failure(description: "\(error)")
        }
    }
}
