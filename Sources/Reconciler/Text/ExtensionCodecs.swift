/// Parses one typed match extension from its options.
protocol MatchTextCodec: Sendable {
    /// Option names this extension understands.
    static var options: Set<String> { get }
    /// Builds the match; throws `UnsupportedOption` to keep the segment as `.unknown`.
    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Match
}

/// Parses one typed target extension from its options.
protocol TargetTextCodec: Sendable {
    static var options: Set<String> { get }
    static func parse(_ options: [ExtensionOption], family: IPFamily) throws -> Target
}

/// The registry of typed extensions and the fallback to `.unknown` for everything else.
enum ExtensionCodecs {
    static let matches: [String: any MatchTextCodec.Type] = [
        "tcp": TCPCodec.self, "udp": UDPCodec.self, "sctp": SCTPCodec.self, "icmp": ICMPCodec.self,
        "multiport": MultiportCodec.self, "comment": CommentCodec.self, "statistic": StatisticCodec.self,
        "recent": RecentCodec.self, "addrtype": AddrTypeCodec.self, "conntrack": ConntrackCodec.self,
        "state": StateCodec.self, "mark": MarkMatchCodec.self, "physdev": PhysdevCodec.self,
        "set": SetCodec.self, "limit": LimitCodec.self, "nfacct": NfacctCodec.self,
    ]

    static let targets: [String: any TargetTextCodec.Type] = [
        "DNAT": DNATCodec.self, "SNAT": SNATCodec.self, "MASQUERADE": MasqueradeCodec.self,
        "REDIRECT": RedirectCodec.self, "MARK": MarkTargetCodec.self, "REJECT": RejectCodec.self,
        "LOG": LogCodec.self, "CT": CTCodec.self,
    ]

    /// Target extensions iptables knows that we keep as text (so `-j NAME` is not a chain).
    static let knownUntypedTargets: Set<String> = [
        "AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP", "CONNMARK", "CONNSECMARK", "DSCP", "ECN", "HL",
        "HMARK", "IDLETIMER", "LED", "NETMAP", "NFLOG", "NFQUEUE", "RATEEST", "SECMARK", "SET",
        "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE", "TTL", "ULOG",
    ]

    /// Whether the segment's extension declares this option name.
    static func declares(_ segment: ExtensionSegment, option: String) -> Bool {
        if segment.isTarget { return targets[segment.name.text]?.options.contains(option) ?? false }
        return matches[segment.name.text]?.options.contains(option) ?? false
    }

    static func match(_ segment: ExtensionSegment, raw: String, family: IPFamily) throws(RuleSyntaxError) -> Match {
        let name = segment.name.text
        let typed = try typedParse(segment, options: matches[name]?.options) { try matches[name]!.parse($0, family: family) }
        return typed ?? .unknown(UnknownExtension(name: name, options: raw))
    }

    /// Runs a typed codec when it knows every option given; nil means "keep as `.unknown`".
    private static func typedParse<T>(_ segment: ExtensionSegment, options: Set<String>?,
                                      _ parse: ([ExtensionOption]) throws -> T) throws(RuleSyntaxError) -> T? {
        guard let options, segment.options.allSatisfy({ options.contains($0.name.text) }) else { return nil }
        do {
            return try parse(segment.options)
        } catch is UnsupportedOption {
            return nil
        } catch let error as RuleSyntaxError {
            throw error
        } catch {
            throw RuleSyntaxError(segment.name, "\(error)")
        }
    }

    static func target(_ segment: ExtensionSegment, raw: String, family: IPFamily) throws(RuleSyntaxError) -> Target {
        let name = segment.name.text
        if segment.isGoto { return try chainTarget(segment, goto: true) }
        if let verdict = verdict(name) {
            guard segment.options.isEmpty else { throw RuleSyntaxError(segment.options[0].name, "\(name) takes no options") }
            return verdict
        }
        if name == "NOTRACK" && segment.options.isEmpty { return .notrack }
        if let codec = targets[name] {
            let typed = try typedParse(segment, options: codec.options) { try codec.parse($0, family: family) }
            return typed ?? .unknown(UnknownExtension(name: name, options: raw))
        }
        if knownUntypedTargets.contains(name) || !segment.options.isEmpty {
            return .unknown(UnknownExtension(name: name, options: raw))
        }
        return try chainTarget(segment, goto: false)
    }

    private static func verdict(_ name: String) -> Target? {
        switch name {
        case "ACCEPT": return .accept
        case "DROP": return .drop
        case "RETURN": return .return
        case "QUEUE": return .queue
        default: return nil
        }
    }

    private static func chainTarget(_ segment: ExtensionSegment, goto: Bool) throws(RuleSyntaxError) -> Target {
        let name = segment.name.text
        guard ChainNames.isValid(name) else {
            throw RuleSyntaxError(segment.name, "bad chain name '\(name)'", expected: "a chain name of 1 to 28 characters")
        }
        if let option = segment.options.first { throw RuleSyntaxError(option.name, "a jump to chain \(name) takes no options") }
        return goto ? .goto(name) : .jump(name)
    }
}

/// Rules for user-defined chain names.
public enum ChainNames {
    /// Whether iptables accepts this as a chain name (1 to 28 bytes, no blanks, not an option).
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 28 && !name.hasPrefix("-") && !name.hasPrefix("!")
            && !name.contains(" ") && !name.contains("\t")
    }
}
