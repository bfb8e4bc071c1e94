import Foundation

/// iptables-legacy (x_tables) tables registered in a network namespace (`/proc/net/ip_tables_names`,
/// `ip6_tables_names`, read inside it). Rules there run beside nf_tables' and kpx-reconcile cannot
/// see or own them: a node whose kubelet or CNI writes legacy tables must move to iptables-nft first.
public enum LegacyTables {
    /// `ip nat`, `ip6 filter`, ... for every legacy table, empty when none is registered.
    public static func names(netns: String?) throws -> [String] {
        try NetworkNamespace.with(netns) {
            var out: [String] = []
            for (family, file) in [("ip", "/proc/net/ip_tables_names"), ("ip6", "/proc/net/ip6_tables_names")] {
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                out += text.split(separator: "\n").map { "\(family) \($0)" }
            }
            return out
        }
    }
}
