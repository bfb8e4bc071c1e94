import Reconciler

/// xt compat `match` blobs -> typed AST matches, per extension name and revision (x86-64 layouts
/// of iptables 1.8.9's libxt_*). Anything else throws, making the rule opaque.
enum XtMatchDecoder {
    static func decode(_ x: XtExpr, family: NftFamily) throws -> Match {
        let b = InfoBlob(x.info)
        switch (x.extensionName, x.revision) {
        case ("comment", 0): return .comment(b.string(0, 256))
        case ("statistic", 0): return try statistic(b)
        case ("recent", 0), ("recent", 1): return try recent(b, family: family, v0: x.revision == 0)
        case ("addrtype", 1): return try addrtype(b)
        case ("conntrack", 1), ("conntrack", 2), ("conntrack", 3): return try conntrack(b, revision: x.revision)
        case ("state", 0): return try state(b)
        case ("mark", 1): return .mark(MarkMatch(value: b.u32(0), mask: b.u32(4), negated: b.u8(8) != 0))
        case ("tcp", 0): return .tcp(try tcp(b))
        case ("udp", 0): return .udp(try udp(b))
        case ("sctp", 0), ("sctp", 1): return .sctp(try sctp(b))
        case ("icmp", 0): return try icmp(b)
        case ("multiport", 1): return try multiport(b)
        case ("physdev", 0): return try physdev(b)
        case ("nfacct", 1): return .nfacct(b.string(0, 32))
        case ("owner", 1): return try owner(b)
        case ("rpfilter", 0): return try rpfilter(b)
        default: throw CodecFailure("xt match \(x.extensionName) rev \(x.revision)")
        }
    }

    static func statistic(_ b: InfoBlob) throws -> Match {
        let negated = b.u16(2) & 1 != 0
        guard b.u16(2) & ~1 == 0 else { throw CodecFailure("statistic flags \(b.u16(2))") }
        switch b.u16(0) {
        case 0: return .statistic(StatisticMatch(mode: .random(probability: b.u32(4)), negated: negated))
        case 1: return .statistic(StatisticMatch(mode: .nth(every: b.u32(4) &+ 1, packet: b.u32(8)), negated: negated))
        default: throw CodecFailure("statistic mode \(b.u16(0))")
        }
    }

    /// xt_recent_mtinfo(_v1): seconds, hit_count, check_set, invert, name[200], side, [mask].
    static func recent(_ b: InfoBlob, family: NftFamily, v0: Bool) throws -> Match {
        let check = b.u8(8)
        let command: RecentMatch.Command
        switch check & 0x0f {
        case 1: command = .rcheck
        case 2: command = .set
        case 4: command = .update
        case 8: command = .remove
        default: throw CodecFailure("recent check_set \(check)")
        }
        guard check & ~0x3f == 0 else { throw CodecFailure("recent check_set \(check)") }
        var mask: IPAddress? = nil
        if !v0 {
            let raw = b.slice(212, family == .ipv4 ? 4 : 16)
            if !raw.allSatisfy({ $0 == 0xff }) { mask = IPAddress(bytes: raw) }
        }
        return .recent(RecentMatch(command: command, name: b.string(10, 200), negated: b.u8(9) != 0,
                                   seconds: b.u32(0), reap: check & 32 != 0, hitCount: b.u32(4),
                                   rttl: check & 16 != 0, mask: mask, destination: b.u8(210) == 1))
    }

    static func addrtype(_ b: InfoBlob) throws -> Match {
        let flags = b.u32(4)
        guard flags & ~0xf == 0 else { throw CodecFailure("addrtype flags \(flags)") }
        return .addrtype(AddrTypeMatch(sourceTypes: b.u16(0), sourceNegated: flags & 1 != 0,
                                       destinationTypes: b.u16(2), destinationNegated: flags & 2 != 0,
                                       limitIfaceIn: flags & 4 != 0, limitIfaceOut: flags & 8 != 0))
    }

    /// xt_conntrack_mtinfo1/2/3: only state, status and direction are typed.
    static func conntrack(_ b: InfoBlob, revision: UInt32) throws -> Match {
        // rev 1 has u8 state/status masks at different offsets; only rev 2/3 share this layout.
        guard revision >= 2 else { throw CodecFailure("xt match conntrack rev \(revision)") }
        let matchFlags = b.u16(146), invert = b.u16(148)
        let stateFlag: UInt16 = 1, statusFlag: UInt16 = 64, dirFlag: UInt16 = 4096, alias: UInt16 = 8192
        guard matchFlags & ~(stateFlag | statusFlag | dirFlag | alias) == 0 else {
            throw CodecFailure("conntrack options 0x\(String(matchFlags, radix: 16))")
        }
        let states = ConntrackStates(rawValue: b.u16(150))
        if matchFlags & alias != 0 {
            guard matchFlags == stateFlag | alias else { throw CodecFailure("state alias with other options") }
            return .state(StateMatch(states: states, negated: invert & stateFlag != 0))
        }
        return .conntrack(ConntrackMatch(
            states: matchFlags & stateFlag != 0 ? states : nil, statesNegated: invert & stateFlag != 0,
            status: matchFlags & statusFlag != 0 ? UInt32(b.u16(152)) : nil, statusNegated: invert & statusFlag != 0,
            directionReply: matchFlags & dirFlag != 0 ? invert & dirFlag != 0 : nil))
    }

    /// Old `state` rev 0: statemask (inverted in place for `!`): only the plain form is typed.
    static func state(_ b: InfoBlob) throws -> Match {
        .state(StateMatch(states: ConntrackStates(rawValue: UInt16(truncatingIfNeeded: b.u32(0)))))
    }

    static func ports(_ b: InfoBlob, _ at: Int, inverted: Bool) -> PortSpec? {
        let low = b.u16(at), high = b.u16(at + 2)
        if low == 0 && high == 0xffff && !inverted { return nil }
        return PortSpec(PortRange(low, high), negated: inverted)
    }

    /// xt_tcp: spts[2], dpts[2], option, flg_mask, flg_cmp, invflags.
    static func tcp(_ b: InfoBlob) throws -> TCPMatch {
        let inv = b.u8(11)
        guard b.u8(8) == 0, inv & ~7 == 0 else { throw CodecFailure("tcp option/invflags") }
        let flags = b.u8(9) != 0 ? TCPFlags(mask: b.u8(9), compare: b.u8(10), negated: inv & 4 != 0) : nil
        return TCPMatch(ports: PortMatch(source: ports(b, 0, inverted: inv & 1 != 0),
                                         destination: ports(b, 4, inverted: inv & 2 != 0)), flags: flags)
    }

    /// xt_udp: spts[2], dpts[2], invflags.
    static func udp(_ b: InfoBlob) throws -> PortMatch {
        let inv = b.u8(8)
        guard inv & ~3 == 0 else { throw CodecFailure("udp invflags \(inv)") }
        return PortMatch(source: ports(b, 0, inverted: inv & 1 != 0), destination: ports(b, 4, inverted: inv & 2 != 0))
    }

    /// xt_sctp_info: dpts[2], spts[2], chunkmap[64], chunk_match_type, flag_info[4], flag_count, flags, invflags.
    static func sctp(_ b: InfoBlob) throws -> PortMatch {
        let flags = b.u32(284), inv = b.u32(288)
        guard flags & ~3 == 0, b.count == 296 else { throw CodecFailure("sctp chunk types") }
        func spec(_ at: Int, _ bit: UInt32) -> PortSpec? {
            flags & bit == 0 ? nil : PortSpec(PortRange(b.u16(at), b.u16(at + 2)), negated: inv & bit != 0)
        }
        return PortMatch(source: spec(4, 1), destination: spec(0, 2))
    }

    static func icmp(_ b: InfoBlob) throws -> Match {
        .icmp(ICMPMatch(type: b.u8(0), codeLow: b.u8(1), codeHigh: b.u8(2), negated: b.u8(3) & 1 != 0))
    }

    /// xt_multiport_v1: flags, count, ports[15], pflags[15], invert.
    static func multiport(_ b: InfoBlob) throws -> Match {
        let direction: MultiportMatch.Direction
        switch b.u8(0) {
        case 0: direction = .source
        case 1: direction = .destination
        case 2: direction = .either
        default: throw CodecFailure("multiport flags \(b.u8(0))")
        }
        var ranges: [PortRange] = []
        var i = 0
        let count = Int(min(b.u8(1), 15))
        while i < count {
            let p = b.u16(2 + 2 * i)
            if b.u8(32 + i) != 0, i + 1 < count {
                ranges.append(PortRange(p, b.u16(2 + 2 * (i + 1)))); i += 2
            } else {
                ranges.append(PortRange(p)); i += 1
            }
        }
        return .multiport(MultiportMatch(direction: direction, ports: ranges, negated: b.u8(47) != 0))
    }

    /// xt_physdev_info: physindev[16], in_mask[16], physoutdev[16], out_mask[16], invert, bitmask.
    static func physdev(_ b: InfoBlob) throws -> Match {
        let inv = b.u8(64), bits = b.u8(65)
        func iface(_ at: Int, _ bit: UInt8) -> InterfaceMatch? {
            guard bits & bit != 0 else { return nil }
            let name = b.string(at, 16)
            let wildcard = name.utf8.count < 16 && b.u8(at + 16 + name.utf8.count) == 0
            return InterfaceMatch(wildcard ? name + "+" : name, negated: inv & bit != 0)
        }
        func flag(_ bit: UInt8) -> Negation? { bits & bit != 0 ? Negation(negated: inv & bit != 0) : nil }
        return .physdev(PhysdevMatch(physdevIn: iface(0, 1), physdevOut: iface(32, 2), isIn: flag(8),
                                     isOut: flag(16), isBridged: flag(4)))
    }

    /// xt_owner_match_info: only `[!] --uid-owner N` / `--gid-owner N` with single ids are typed (as text).
    static func owner(_ b: InfoBlob) throws -> Match {
        let match = b.u8(16), invert = b.u8(17)
        var words: [String] = []
        if match & 1 != 0 {
            guard b.u32(0) == b.u32(4) else { throw CodecFailure("owner uid range") }
            words.append((invert & 1 != 0 ? "! " : "") + "--uid-owner \(b.u32(0))")
        }
        if match & 2 != 0 {
            guard b.u32(8) == b.u32(12) else { throw CodecFailure("owner gid range") }
            words.append((invert & 2 != 0 ? "! " : "") + "--gid-owner \(b.u32(8))")
        }
        guard match & ~3 == 0, !words.isEmpty else { throw CodecFailure("owner options \(match)") }
        return .unknown(UnknownExtension(name: "owner", options: words.joined(separator: " ")))
    }

    /// xt_rpfilter_info: flags (loose 1, validmark 2, accept-local 4, invert 8), kept as text.
    static let rpfilterOptions: [(String, UInt8)] = [("--loose", 1), ("--validmark", 2), ("--accept-local", 4), ("--invert", 8)]

    static func rpfilter(_ b: InfoBlob) throws -> Match {
        let flags = b.u8(0)
        guard flags & ~0xf == 0 else { throw CodecFailure("rpfilter flags \(flags)") }
        let words = rpfilterOptions.filter { flags & $0.1 != 0 }.map(\.0)
        return .unknown(UnknownExtension(name: "rpfilter", options: words.joined(separator: " ")))
    }
}
