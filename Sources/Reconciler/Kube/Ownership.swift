/// Which chains and rules kpx-reconcile owns, from kube-proxy's chain names (`KubeChains`).
/// Everything else is never touched.
public enum Ownership {
    /// The fixed chains kube-proxy maintains in each table.
    public static func fixedChains(_ table: TableName) -> Set<String> { KubeChains.fixed(in: table) }

    /// Whether a per-service chain (KUBE-SVC/SVL/EXT/FW/SEP-…).
    public static func isServiceChain(_ name: String) -> Bool { KubeChains.isServiceChain(name) }

    /// Whether we own this user chain in this table (we may flush, rewrite or delete it).
    public static func owns(chain name: String, in table: TableName) -> Bool {
        guard table == .nat || table == .filter else { return false }
        return isServiceChain(name) || fixedChains(table).contains(name)
    }

    /// Whether a rule in a built-in chain is one of our jump rules (it jumps to a chain we own).
    public static func isOurJump(_ rule: Rule, in table: TableName) -> Bool {
        guard rule.opaque == nil, let chain = rule.targetChain else { return false }
        return owns(chain: chain, in: table)
    }

    /// Chains whose rule order between services is free (kube-proxy emits them in map order).
    public static func hasFreeOrder(_ chain: String) -> Bool {
        chain == KubeChains.services || chain == KubeChains.nodePorts
    }

    /// Whether a rule must stay last in its free-order chain ("... must be the last rule ...").
    public static func isPinnedLast(_ rule: Rule) -> Bool {
        rule.comment?.contains("must be the last rule") ?? false
    }
}
