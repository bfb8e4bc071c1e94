extension ReconcileEngine {
    /// `kpx-reconcile restore`: brings the script's tables to what the script says, as the
    /// minimal change, in one transaction; a commit refused because the ruleset changed
    /// underneath is read and planned again (up to `maxAttempts`). The whole script's tables are
    /// read consistently each time (every chain there matters: a restore may change any of them).
    public func restore(_ script: RestoreScript, noflush: Bool, dryRun: Bool = false) throws(ReconcileError) -> ReconcileOutcome {
        let tables = script.tables.map(\.name)
        invalidate()
        var retries = 0
        while true {
            let observed: ObservedRuleset
            do { observed = try backend.observe(family: family, tables: tables) } catch { throw .backend(error) }
            var plan: Plan
            do { plan = try ScriptPlanner.plan(script, observed: observed, noflush: noflush) } catch { throw .script(error) }
            var outcome = ReconcileOutcome(plan: plan, observed: observed, reread: true, retries: retries, applied: false)
            if dryRun || plan.isEmpty { return outcome }
            do {
                if plan.generation == nil { plan.generation = try backend.generation() }
                try backend.commit(plan)
                outcome.plan = plan
                outcome.applied = true
                return outcome
            } catch BackendError.generationChanged {
                retries += 1
                if retries >= maxAttempts { throw .conflictsExhausted(attempts: retries) }
            } catch {
                throw .backend(error)
            }
        }
    }
}
