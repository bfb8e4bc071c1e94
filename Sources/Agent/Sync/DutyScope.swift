import Reconciler

/// The services changed since a per-sync duty (health-check ports, the UDP conntrack clean-up)
/// last ran, so a duty none of whose inputs changed is skipped instead of walking every Service
/// and rule (at 10k services each walk costs milliseconds on every sync). Changes of syncs that
/// failed, or after which the duty did not run, accumulate until it does.
struct DutyScope {
    /// nil: everything may have changed (start-up, a full recompute, a failed duty).
    private var changed: Set<ServiceName>? = nil

    /// Adds a sync's recomputed services (nil: all).
    mutating func add(_ services: Set<ServiceName>?) {
        guard let services else { changed = nil; return }
        changed?.formUnion(services)
    }

    /// Whether a changed service satisfies `matters` (true when everything may have changed);
    /// the scope starts over.
    mutating func take(_ matters: (ServiceName) -> Bool) -> Bool {
        defer { changed = [] }
        guard let changed else { return true }
        return changed.contains(where: matters)
    }
}
