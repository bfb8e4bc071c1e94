extension ChangeTracker {
    /// Applies several changes (the events received since the last sync) and patches `ruleset`
    /// once at the end, which costs far less than patching it after every event. Inside `body`,
    /// `ruleset` still describes the objects as they were before the batch; everything else is
    /// current. Afterwards `lastRecomputed` and `lastChangedChains` cover the whole batch.
    public mutating func batch<R>(_ body: (inout ChangeTracker) throws -> R) rethrows -> R {
        if batching { return try body(&self) }
        batching = true
        lastRecomputed = []
        lastChangedChains = [:]
        defer {
            batching = false
            placeFragments()
        }
        return try body(&self)
    }

    /// Puts the fragments changed since the ruleset was last patched into it.
    mutating func placeFragments() {
        if reassemble {
            layout = FragmentLayout(fragments)
            ruleset = DesiredState.assemble(ordered: layout.fragments, ctx: context)
        } else if !unplaced.isEmpty {
            let changes = unplaced.sorted().map { ($0, fragments[$0]) }
            layout.set(changes, in: &ruleset)
        }
        unplaced = []
        reassemble = false
    }
}
