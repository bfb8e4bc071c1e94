@testable import NetlinkBridge

/// Byte differences the AST cannot express (documented in the report and netlink-pitfalls.md):
/// `-m recent` without `--mask` stores a 16-byte all-ones mask, an explicit IPv4
/// `--mask 255.255.255.255` stores 4 bytes; both print identically, the AST keeps nil for both
/// and the encoder writes kube-proxy's (16-byte) form. Normalise that one field before comparing.
enum KnownGaps {
    static func normalize(_ exprs: [RawExpression]) -> [RawExpression] {
        exprs.map { e in
            guard case .match(var x) = e, x.extensionName == "recent", x.revision == 1, x.info.count == 232,
                  x.info[212..<216].allSatisfy({ $0 == 0xff }) else { return e }
            for i in 216..<228 { x.info[i] = 0xff }
            return .match(x)
        }
    }
}
