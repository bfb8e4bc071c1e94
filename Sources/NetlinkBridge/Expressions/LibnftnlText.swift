import CNetfilter

/// Rules our codec keeps opaque, printed by libnftnl as `nft --debug=netlink` shows them: one
/// `[ payload load 4b @ network header + 12 => reg 1 ]` per expression. The one place the
/// product calls libnftnl's parser and printer.
public enum LibnftnlText {
    /// The expressions of one `NFTA_RULE_EXPRESSIONS` payload, each `[ ... ]`, joined by a space;
    /// nil when libnftnl cannot parse them. Only for bytes the kernel dumped or our encoder wrote:
    /// libnftnl exits the process on a known attribute of the wrong size, so never for
    /// untrusted bytes (the fuzzers' path does not come here).
    public static func expressions(_ bytes: [UInt8], family: NftFamily) -> String? {
        var capacity = 512
        while capacity <= 1 << 20 {
            var out = [CChar](repeating: 0, count: capacity)
            let n = bytes.withUnsafeBytes { raw in
                kpx_nftnl_print_expressions(UInt16(family.rawValue), raw.baseAddress, raw.count, &out, capacity)
            }
            guard n >= 0 else { return nil }
            guard Int(n) < capacity else { capacity = Int(n) + 1; continue }
            let text = String(decoding: out.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return text.split(separator: "\n").map { $0.drop { $0 == " " } }.joined(separator: " ")
        }
        return nil
    }
}
