public import Reconciler

/// iptables-nft 1.8.9's built-in chain definitions (`xtables_ipv4` in nft.c): hook, priority, type.
public enum BuiltinChains {
    public static func hook(table: TableName, chain: String) -> BaseChainSpec? {
        let (pre, input, fwd, out, post): (UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 1, 2, 3, 4)
        switch (table, chain) {
        case (.raw, "PREROUTING"): return BaseChainSpec(hooknum: pre, priority: -300, type: "filter")
        case (.raw, "OUTPUT"): return BaseChainSpec(hooknum: out, priority: -300, type: "filter")
        case (.mangle, "PREROUTING"): return BaseChainSpec(hooknum: pre, priority: -150, type: "filter")
        case (.mangle, "INPUT"): return BaseChainSpec(hooknum: input, priority: -150, type: "filter")
        case (.mangle, "FORWARD"): return BaseChainSpec(hooknum: fwd, priority: -150, type: "filter")
        case (.mangle, "OUTPUT"): return BaseChainSpec(hooknum: out, priority: -150, type: "route")
        case (.mangle, "POSTROUTING"): return BaseChainSpec(hooknum: post, priority: -150, type: "filter")
        case (.filter, "INPUT"): return BaseChainSpec(hooknum: input, priority: 0, type: "filter")
        case (.filter, "FORWARD"): return BaseChainSpec(hooknum: fwd, priority: 0, type: "filter")
        case (.filter, "OUTPUT"): return BaseChainSpec(hooknum: out, priority: 0, type: "filter")
        case (.security, "INPUT"): return BaseChainSpec(hooknum: input, priority: 150, type: "filter")
        case (.security, "FORWARD"): return BaseChainSpec(hooknum: fwd, priority: 150, type: "filter")
        case (.security, "OUTPUT"): return BaseChainSpec(hooknum: out, priority: 150, type: "filter")
        case (.nat, "PREROUTING"): return BaseChainSpec(hooknum: pre, priority: -100, type: "nat")
        case (.nat, "INPUT"): return BaseChainSpec(hooknum: input, priority: 100, type: "nat")
        case (.nat, "OUTPUT"): return BaseChainSpec(hooknum: out, priority: -100, type: "nat")
        case (.nat, "POSTROUTING"): return BaseChainSpec(hooknum: post, priority: 100, type: "nat")
        default: return nil
        }
    }
}
