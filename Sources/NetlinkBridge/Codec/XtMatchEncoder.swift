import Reconciler

/// Typed AST matches -> xt compat `match` blobs exactly as iptables-nft 1.8.9 builds them
/// (x86-64 struct layouts, XT_ALIGN padding, libxt_* defaults). Native encodings (tcp/udp ports,
/// mark, limit) are in `RuleEncoder`.
enum XtMatchEncoder {
    static func encode(_ match: Match, family: NftFamily) throws -> XtExpr {
        switch match {
        case .comment(let text):
            var b = InfoBlob(size: 256); b.setString(0, text, maxLen: 256)
            return XtExpr(name: "comment", revision: 0, info: b.bytes)
        case .statistic(let s): return statistic(s)
        case .recent(let r): return recent(r, family: family)
        case .addrtype(let a):
            var b = InfoBlob(size: 8)
            b.setU16(0, a.sourceTypes); b.setU16(2, a.destinationTypes)
            b.setU32(4, (a.sourceNegated ? 1 : 0) | (a.destinationNegated ? 2 : 0) | (a.limitIfaceIn ? 4 : 0)
                     | (a.limitIfaceOut ? 8 : 0))
            return XtExpr(name: "addrtype", revision: 1, info: b.bytes)
        case .conntrack(let c): return conntrack(c)
        case .state(let s):
            var b = InfoBlob(size: 168)
            b.setU16(146, 1 | 8192); b.setU16(148, s.negated ? 1 : 0); b.setU16(150, s.states.rawValue)
            return XtExpr(name: "conntrack", revision: 3, info: b.bytes)
        case .tcp(let t):
            var b = InfoBlob(size: 16)
            b.setU16(2, 0xffff); b.setU16(6, 0xffff)
            guard t.ports.source == nil, t.ports.destination == nil, t.flags == nil else {
                throw CodecFailure("tcp match with options is native")
            }
            return XtExpr(name: "tcp", revision: 0, info: b.bytes)
        case .udp(let u):
            guard u.source == nil, u.destination == nil else { throw CodecFailure("udp match with options is native") }
            var b = InfoBlob(size: 16)
            b.setU16(2, 0xffff); b.setU16(6, 0xffff)
            return XtExpr(name: "udp", revision: 0, info: b.bytes)
        case .sctp(let p): return sctp(p)
        case .icmp(let i):
            var b = InfoBlob(size: 8)
            b.setU8(0, i.type); b.setU8(1, i.codeLow); b.setU8(2, i.codeHigh); b.setU8(3, i.negated ? 1 : 0)
            return XtExpr(name: "icmp", revision: 0, info: b.bytes)
        case .multiport(let m): return try multiport(m)
        case .physdev(let p): return physdev(p)
        case .nfacct(let name):
            var b = InfoBlob(size: 40); b.setString(0, name, maxLen: 32)
            return XtExpr(name: "nfacct", revision: 1, info: b.bytes)
        case .unknown(let u): return try unknown(u)
        case .set(let set): return try XtSetCodec.encode(set)
        case .mark, .limit:
            throw CodecFailure("match \(match.name) has no xt encoding here")
        }
    }

    /// xt_statistic_info; `count` is computed as `every - packet` for both modes (the quirk that
    /// puts the probability at offset 12 too).
    static func statistic(_ s: StatisticMatch) -> XtExpr {
        var b = InfoBlob(size: 24)
        b.setU16(2, s.negated ? 1 : 0)
        switch s.mode {
        case .random(let p):
            b.setU16(0, 0); b.setU32(4, p); b.setU32(12, p)
        case .nth(let every, let packet):
            b.setU16(0, 1); b.setU32(4, every &- 1); b.setU32(8, packet); b.setU32(12, (every &- 1) &- packet)
        }
        return XtExpr(name: "statistic", revision: 0, info: b.bytes)
    }

    static func recent(_ r: RecentMatch, family: NftFamily) -> XtExpr {
        var b = InfoBlob(size: 232)
        b.setU32(0, r.seconds); b.setU32(4, r.hitCount)
        let command: UInt8
        switch r.command {
        case .rcheck: command = 1
        case .set: command = 2
        case .update: command = 4
        case .remove: command = 8
        }
        b.setU8(8, command | (r.rttl ? 16 : 0) | (r.reap ? 32 : 0))
        b.setU8(9, r.negated ? 1 : 0)
        b.setString(10, r.name, maxLen: 200)
        b.setU8(210, r.destination ? 1 : 0)
        // Without --mask libxt_recent memsets the whole 16-byte mask to 0xff (kube-proxy's form);
        // an explicit IPv4 `--mask 255.255.255.255` stores only 4 bytes. The AST cannot tell the
        // two apart (both print the same), so nil is written in kube-proxy's form.
        let mask = r.mask?.bytes ?? [UInt8](repeating: 0xff, count: 16)
        b.put(212, mask)
        return XtExpr(name: "recent", revision: 1, info: b.bytes)
    }

    static func conntrack(_ c: ConntrackMatch) -> XtExpr {
        var b = InfoBlob(size: 168)
        var flags: UInt16 = 0, invert: UInt16 = 0
        if let states = c.states {
            flags |= 1; if c.statesNegated { invert |= 1 }
            b.setU16(150, states.rawValue)
        }
        if let status = c.status {
            flags |= 64; if c.statusNegated { invert |= 64 }
            b.setU16(152, UInt16(truncatingIfNeeded: status))
        }
        if let reply = c.directionReply { flags |= 4096; if reply { invert |= 4096 } }
        b.setU16(146, flags); b.setU16(148, invert)
        return XtExpr(name: "conntrack", revision: 3, info: b.bytes)
    }

    static func sctp(_ p: PortMatch) -> XtExpr {
        var b = InfoBlob(size: 296)
        var flags: UInt32 = 0, inv: UInt32 = 0
        if let d = p.destination {
            b.setU16(0, d.range.low); b.setU16(2, d.range.high); flags |= 2; if d.negated { inv |= 2 }
        }
        if let s = p.source {
            b.setU16(4, s.range.low); b.setU16(6, s.range.high); flags |= 1; if s.negated { inv |= 1 }
        }
        // libxt_sctp initialises every flag_info[i].chunktype to 0xff.
        for i in 0..<4 { b.setU8(268 + 3 * i, 0xff) }
        b.setU32(284, flags); b.setU32(288, inv)
        return XtExpr(name: "sctp", revision: 0, info: b.bytes)
    }

    static func multiport(_ m: MultiportMatch) throws -> XtExpr {
        var b = InfoBlob(size: 48)
        switch m.direction {
        case .source: b.setU8(0, 0)
        case .destination: b.setU8(0, 1)
        case .either: b.setU8(0, 2)
        }
        var i = 0
        for r in m.ports {
            if r.low == r.high {
                guard i < 15 else { throw CodecFailure("multiport: too many ports") }
                b.setU16(2 + 2 * i, r.low); i += 1
            } else {
                guard i + 1 < 15 else { throw CodecFailure("multiport: too many ports") }
                b.setU16(2 + 2 * i, r.low); b.setU8(32 + i, 1); b.setU16(2 + 2 * (i + 1), r.high); i += 2
            }
        }
        b.setU8(1, UInt8(i)); b.setU8(47, m.negated ? 1 : 0)
        return XtExpr(name: "multiport", revision: 1, info: b.bytes)
    }

    static func physdev(_ p: PhysdevMatch) -> XtExpr {
        var b = InfoBlob(size: 72)
        var bits: UInt8 = 0, inv: UInt8 = 0
        func iface(_ i: InterfaceMatch?, _ at: Int, _ bit: UInt8) {
            guard let i else { return }
            bits |= bit; if i.negated { inv |= bit }
            let name = i.isWildcard ? String(i.name.dropLast()) : i.name
            b.setString(at, name, maxLen: 16)
            let maskLen = min(16, name.utf8.count + (i.isWildcard ? 0 : 1))
            b.put(at + 16, [UInt8](repeating: 0xff, count: maskLen))
        }
        iface(p.physdevIn, 0, 1); iface(p.physdevOut, 32, 2)
        for (flag, bit) in [(p.isIn, UInt8(8)), (p.isOut, 16), (p.isBridged, 4)] {
            guard let flag else { continue }
            bits |= bit; if flag.negated { inv |= bit }
        }
        b.setU8(64, inv); b.setU8(65, bits)
        return XtExpr(name: "physdev", revision: 0, info: b.bytes)
    }

    /// Untyped matches we can still write exactly: simple owner uid/gid, rpfilter.
    static func unknown(_ u: UnknownExtension) throws -> XtExpr {
        let words = u.options.split(separator: " ").map(String.init)
        switch u.name {
        case "owner":
            var b = InfoBlob(size: 24)
            var match: UInt8 = 0, invert: UInt8 = 0, negate = false, i = 0
            while i < words.count {
                if words[i] == "!" { negate = true; i += 1; continue }
                guard i + 1 < words.count, let id = UInt32(words[i + 1]) else { throw CodecFailure("owner options") }
                let bit: UInt8 = words[i] == "--uid-owner" ? 1 : words[i] == "--gid-owner" ? 2 : 0
                guard bit != 0 else { throw CodecFailure("owner option \(words[i])") }
                let at = bit == 1 ? 0 : 8
                b.setU32(at, id); b.setU32(at + 4, id)
                match |= bit; if negate { invert |= bit }
                negate = false; i += 2
            }
            b.setU8(16, match); b.setU8(17, invert)
            return XtExpr(name: "owner", revision: 1, info: b.bytes)
        case "rpfilter":
            var flags: UInt8 = 0
            for w in words {
                guard let bit = XtMatchDecoder.rpfilterOptions.first(where: { $0.0 == w })?.1 else {
                    throw CodecFailure("rpfilter option \(w)")
                }
                flags |= bit
            }
            var b = InfoBlob(size: 8); b.setU8(0, flags)
            return XtExpr(name: "rpfilter", revision: 0, info: b.bytes)
        default: throw CodecFailure("untyped match \(u.name)")
        }
    }
}
