enum ICMPCodec: MatchTextCodec {
    static let options: Set<String> = ["--icmp-type"]

    /// iptables' ICMP type names: (name, type, code low, code high).
    static let names: [(String, UInt8, UInt8, UInt8)] = [
        ("any", 255, 0, 255), ("echo-reply", 0, 0, 255), ("pong", 0, 0, 255),
        ("destination-unreachable", 3, 0, 255), ("network-unreachable", 3, 0, 0),
        ("host-unreachable", 3, 1, 1), ("protocol-unreachable", 3, 2, 2), ("port-unreachable", 3, 3, 3),
        ("fragmentation-needed", 3, 4, 4), ("source-route-failed", 3, 5, 5), ("network-unknown", 3, 6, 6),
        ("host-unknown", 3, 7, 7), ("network-prohibited", 3, 9, 9), ("host-prohibited", 3, 10, 10),
        ("TOS-network-unreachable", 3, 11, 11), ("TOS-host-unreachable", 3, 12, 12),
        ("communication-prohibited", 3, 13, 13), ("host-precedence-violation", 3, 14, 14),
        ("precedence-cutoff", 3, 15, 15), ("source-quench", 4, 0, 255), ("redirect", 5, 0, 255),
        ("network-redirect", 5, 0, 0), ("host-redirect", 5, 1, 1), ("TOS-network-redirect", 5, 2, 2),
        ("TOS-host-redirect", 5, 3, 3), ("echo-request", 8, 0, 255), ("ping", 8, 0, 255),
        ("router-advertisement", 9, 0, 255), ("router-solicitation", 10, 0, 255),
        ("time-exceeded", 11, 0, 255), ("ttl-exceeded", 11, 0, 255), ("ttl-zero-during-transit", 11, 0, 0),
        ("ttl-zero-during-reassembly", 11, 1, 1), ("parameter-problem", 12, 0, 255),
        ("ip-header-bad", 12, 0, 0), ("required-option-missing", 12, 1, 1),
        ("timestamp-request", 13, 0, 255), ("timestamp-reply", 14, 0, 255),
        ("address-mask-request", 17, 0, 255), ("address-mask-reply", 18, 0, 255),
    ]

    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match {
        guard options.count == 1, let option = options.first else { throw UnsupportedOption() }
        let token = try option.value()
        if let named = names.first(where: { $0.0 == token.text }) {
            return .icmp(ICMPMatch(type: named.1, codeLow: named.2, codeHigh: named.3, negated: option.negated))
        }
        let parts = token.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let type = UInt8(parts[0]) else {
            throw RuleSyntaxError(token, "unknown ICMP type '\(token.text)'", expected: "an ICMP type name or TYPE[/CODE]")
        }
        guard parts.count == 2 else { return .icmp(ICMPMatch(type: type, negated: option.negated)) }
        guard let code = UInt8(parts[1]) else { throw RuleSyntaxError(token, "bad ICMP code '\(parts[1])'") }
        return .icmp(ICMPMatch(type: type, codeLow: code, codeHigh: code, negated: option.negated))
    }
}
