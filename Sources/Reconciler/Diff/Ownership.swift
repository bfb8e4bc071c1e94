/// Which chains and rules kpx-reconcile owns. Everything else is never touched.
public enum Ownership {
    /// Prefixes of per-service chains (stale ones are deleted).
    public static let serviceChainPrefixes = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"]

    /// The fixed chains kube-proxy maintains in each table.
    public static func fixedChains(_ table: TableName) -> Set<String> {
        switch table {
        case .filter:
            return ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS",
                    "KUBE-PROXY-FIREWALL", "KUBE-FIREWALL"]
        case .nat:
            return ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"]
        default:
            return []
        }
    }

    /// Whether a per-service chain (KUBE-SVC/SVL/EXT/FW/SEP-…).
    public static func isServiceChain(_ name: String) -> Bool {
        serviceChainPrefixes.contains { name.hasPrefix($0) }
    }

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
        chain == "KUBE-SERVICES" || chain == "KUBE-NODEPORTS"
    }

    /// Whether a rule must stay last in its free-order chain ("... must be the last rule ...").
    public static func isPinnedLast(_ rule: Rule) -> Bool {
        rule.comment?.contains("must be the last rule") ?? false
    }
}
