public import NetlinkBridge
public import Reconciler

/// A backend that also names the chains others changed since a generation, from the kernel's
/// change notifications (`ChangeFollower`), so the engine re-reads only those chains after a
/// foreign write instead of whole tables. Everything else goes to `inner`.
public final class FollowingBackend: RulesetBackend {
    public let inner: RulesetBackend
    public let follower: ChangeFollower

    public init(inner: RulesetBackend, follower: ChangeFollower) {
        self.inner = inner
        self.follower = follower
    }

    /// The kernel backend in namespace `netns`, following changes there.
    public convenience init(netns: String?, family: IPFamily) throws {
        try self.init(netns: netns, families: [family])
    }

    /// The kernel backend in namespace `netns`, following changes of `families` there.
    public convenience init(netns: String?, families: [IPFamily]) throws {
        self.init(inner: try NetlinkBackend(netns: netns), follower: try ChangeFollower(netns: netns, families: families))
    }

    public func generation() throws -> UInt32 { try inner.generation() }

    public func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset {
        try inner.observe(family: family, tables: tables)
    }

    public func observeUnsettled(family: IPFamily, tables: [TableName]) throws -> (observed: ObservedRuleset, through: UInt32) {
        try inner.observeUnsettled(family: family, tables: tables)
    }

    public func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        try inner.observe(family: family, chains: chains)
    }

    public func commit(_ plan: Plan) throws { try inner.commit(plan) }

    public func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] { try inner.commitLearningHandles(plan) }

    public func commit(families plans: [Plan], learningHandles: Bool) throws -> [Int: UInt64] {
        try inner.commit(families: plans, learningHandles: learningHandles)
    }

    public func changedChains(family: IPFamily, from: UInt32, to: UInt32) throws -> [ChainRef: ChainFate]? {
        try follower.changedChains(family: family, from: from, to: to)
    }
}
