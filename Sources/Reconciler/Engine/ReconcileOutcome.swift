/// What one reconcile did (for one family).
public struct ReconcileOutcome: Sendable {
    /// The plan that was applied (or, for a dry run, would be).
    public var plan: Plan
    /// The state the plan was computed against, when it was read for this reconcile (nil when
    /// the engine's cached view was used: materializing it would cost a pass over the table).
    public var observed: ObservedRuleset?
    /// Whether the live state was re-read (false: the cached state of our last apply was used).
    public var reread: Bool
    /// How many times the plan was recomputed after a concurrent change (ERESTART) or a refusal
    /// of a plan made from the cached view.
    public var retries: Int
    /// Whether the plan was committed (false for an empty plan).
    public var applied: Bool
    /// Whether the plan looked only at the chains of a change (`DesiredChange`).
    public var scoped: Bool = false
}

/// Why reconciling failed; nothing was applied.
public enum ReconcileError: Error, CustomStringConvertible {
    case conflictsExhausted(attempts: Int)
    case backend(Error)
    case verifyFailed(Plan)
    /// A restore script that cannot be applied to the live tables (e.g. a rule deleted that is not there).
    case script(ParseError)

    public var description: String {
        switch self {
        case .conflictsExhausted(let attempts):
            return "the ruleset kept changing under us: \(attempts) attempts ended in ERESTART; nothing applied"
        case .backend(let error): return "\(error)"
        case .verifyFailed(let plan):
            let family = plan.family == .ipv6 ? " (ipv6)" : ""
            return "verification failed\(family): live state differs from desired (\(plan.summary))"
        case .script(let error): return "\(error)"
        }
    }
}
