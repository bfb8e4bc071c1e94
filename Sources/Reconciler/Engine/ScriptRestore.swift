extension ReconcileEngine {
    /// `kpx-reconcile restore`: brings the script's tables to what the script says, as the
    /// minimal change, in one transaction; a commit refused because the ruleset changed
    /// underneath is read and planned again (up to `maxAttempts`). The whole script's tables are
    /// read consistently each time (every chain there matters: a restore may change any of them).
    public func restore(_ script: RestoreScript, noflush: Bool, dryRun: Bool = false) throws(ReconcileError) -> ReconcileOutcome {
        try restore([script], noflush: noflush, dryRun: dryRun)[0]
    }

    /// `restore` of one script per family (a dual-stack node's `# ipv4` / `# ipv6` text): every
    /// family's change in ONE transaction, or none.
    public func restore(_ scripts: [RestoreScript], noflush: Bool, dryRun: Bool = false) throws(ReconcileError) -> [ReconcileOutcome] {
        invalidate()
        var retries = 0
        while true {
            var outcomes: [ReconcileOutcome] = []
            for script in scripts {
                let observed: ObservedRuleset
                do { observed = try backend.observe(family: script.family, tables: script.tables.map(\.name)) } catch { throw .backend(error) }
                let plan: Plan
                do { plan = try ScriptPlanner.plan(script, observed: observed, noflush: noflush) } catch { throw .script(error) }
                outcomes.append(ReconcileOutcome(plan: plan, observed: observed, reread: true, retries: retries, applied: false))
            }
            if dryRun || outcomes.allSatisfy({ $0.plan.isEmpty }) { return outcomes }
            do {
                let generation = try backend.generation()
                // Plans read at different generations: someone wrote in between (read again).
                guard outcomes.allSatisfy({ ($0.plan.generation ?? generation) == generation }) else {
                    throw BackendError.generationChanged(planned: outcomes[0].plan.generation)
                }
                for i in outcomes.indices { outcomes[i].plan.generation = generation }
                _ = try backend.commit(families: outcomes.map(\.plan).filter { !$0.isEmpty }, learningHandles: false)
                for i in outcomes.indices { outcomes[i].applied = !outcomes[i].plan.isEmpty }
                return outcomes
            } catch BackendError.generationChanged {
                retries += 1
                if retries >= maxAttempts { throw .conflictsExhausted(attempts: retries) }
            } catch {
                throw .backend(error)
            }
        }
    }
}
