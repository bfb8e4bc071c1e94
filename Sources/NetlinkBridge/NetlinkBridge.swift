/// The netlink bridge: reads and writes iptables-nft tables over nf_tables netlink.
public enum NetlinkBridge {}
