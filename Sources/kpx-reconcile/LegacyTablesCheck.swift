import NetlinkBridge

/// Refuses an iptables-legacy node: its rules would run beside ours, unseen (see `LegacyTables`).
enum LegacyTablesCheck {
    static func refuse(netns: String?, allowed: Bool) throws {
        guard !allowed else { return }
        let legacy = try LegacyTables.names(netns: netns)
        guard !legacy.isEmpty else { return }
        throw CLIError("""
            iptables-legacy tables are in use in this network namespace (\(legacy.joined(separator: ", "))): \
            kpx-reconcile programs nf_tables (iptables-nft) only, and rules in legacy tables would run beside its own unseen. \
            Move the node to iptables-nft (kubelet and CNI included; update-alternatives --set iptables /usr/sbin/iptables-nft, \
            then reboot or unload the legacy tables), or pass --allow-legacy-tables if they hold nothing of kube-proxy's.
            """)
    }
}
