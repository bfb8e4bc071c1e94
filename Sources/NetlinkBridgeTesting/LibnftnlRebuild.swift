import CNetfilter
public import NetlinkBridge

/// libnftnl as an independent encoder for tests: parses an `NFTA_RULE_EXPRESSIONS` payload and
/// builds it again as libnftnl (hence iptables-nft) writes it. Equal bytes mean our encoder used
/// libnftnl's attribute order, nesting flags, padding and string terminators for every attribute.
public enum LibnftnlRebuild {
    /// The rebuilt payload; nil when libnftnl cannot parse `bytes` (never pass untrusted bytes:
    /// libnftnl exits on a known attribute of the wrong size).
    public static func expressions(_ bytes: [UInt8], family: NftFamily) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: bytes.count * 2 + 4096)
        let capacity = out.count
        let n = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBytes { kpx_nftnl_rebuild_expressions(UInt16(family.rawValue), raw.baseAddress, raw.count, $0.baseAddress, capacity) }
        }
        guard n >= 0 else { return nil }
        return Array(out.prefix(Int(n)))
    }
}
