import Reconciler

/// Typed AST targets -> xt compat `target` blobs (or native verdicts / log) as iptables-nft writes them.
enum XtTargetEncoder {
    static func encode(_ target: Target, family: NftFamily) throws -> RawExpression {
        switch target {
        case .accept: return .immediate(ImmediateExpr(verdict: .accept))
        case .drop: return .immediate(ImmediateExpr(verdict: .drop))
        case .return: return .immediate(ImmediateExpr(verdict: .return))
        case .queue: return .immediate(ImmediateExpr(verdict: .queue))
        case .jump(let c): return .immediate(ImmediateExpr(verdict: .jump(c)))
        case .goto(let c): return .immediate(ImmediateExpr(verdict: .goto(c)))
        case .mark(let m):
            var b = InfoBlob(size: 8); b.setU32(0, m.value); b.setU32(4, m.mask)
            return .target(XtExpr(name: "MARK", revision: 2, info: b.bytes))
        case .masquerade(let m): return .target(XtExpr(name: "MASQUERADE", revision: 0, info: masquerade(m, family)))
        case .redirect(let m): return .target(XtExpr(name: "REDIRECT", revision: 0, info: masquerade(m, family)))
        case .dnat(let n): return .target(XtExpr(name: "DNAT", revision: 2, info: try range(n, family, size: 48)))
        case .snat(let n):
            if family == .ipv4 { return .target(XtExpr(name: "SNAT", revision: 0, info: try compat(n))) }
            return .target(XtExpr(name: "SNAT", revision: 1, info: try range(n, family, size: 40)))
        case .reject(let r):
            let names = family == .ipv4 ? XtTargetDecoder.rejectV4 : XtTargetDecoder.rejectV6
            guard let code = names.firstIndex(of: r.with) else { throw CodecFailure("REJECT with \(r.with)") }
            var b = InfoBlob(size: 8); b.setU32(0, UInt32(code))
            return .target(XtExpr(name: "REJECT", revision: 0, info: b.bytes))
        case .log(let l):
            var b = InfoBlob(size: 32); b.setU8(0, l.level); b.setU8(1, l.flags); b.setString(2, l.prefix, maxLen: 30)
            return .target(XtExpr(name: "LOG", revision: 0, info: b.bytes))
        case .ct(let c):
            var b = InfoBlob(size: 72)
            b.setU16(0, c.notrack ? 1 : 0); b.setU16(2, c.zone ?? 0)
            if let helper = c.helper { b.setString(12, helper, maxLen: 16) }
            return .target(XtExpr(name: "CT", revision: 2, info: b.bytes))
        case .notrack:
            var b = InfoBlob(size: 72); b.setU16(0, 3)
            return .target(XtExpr(name: "CT", revision: 2, info: b.bytes))
        case .unknown(let u) where u.name == "NFLOG": return try nflog(u.options)
        case .unknown(let u): throw CodecFailure("untyped target \(u.name)")
        }
    }

    static func natFlags(ports: PortRange?, random: Bool, randomFully: Bool, persistent: Bool = false,
                         ips: Bool = false) -> UInt32 {
        typealias F = XtTargetDecoder.NatFlag
        return (ips ? F.mapIPs : 0) | (ports != nil ? F.protoSpecified : 0) | (random ? F.random : 0)
            | (randomFully ? F.randomFully : 0) | (persistent ? F.persistent : 0)
    }

    static func masquerade(_ m: MasqueradeTarget, _ family: NftFamily) -> [UInt8] {
        let flags = natFlags(ports: m.ports, random: m.random, randomFully: m.randomFully)
        if family == .ipv4 {
            var b = InfoBlob(size: 24)
            b.setU32(0, 1); b.setU32(4, flags)
            if let p = m.ports { b.setBE16(16, p.low); b.setBE16(18, p.high) }
            return b.bytes
        }
        var b = InfoBlob(size: 40)
        b.setU32(0, flags)
        if let p = m.ports { b.setBE16(36, p.low); b.setBE16(38, p.high) }
        return b.bytes
    }

    static func compat(_ n: NATTarget) throws -> [UInt8] {
        var b = InfoBlob(size: 24)
        b.setU32(0, 1)
        b.setU32(4, natFlags(ports: n.ports, random: n.random, randomFully: n.randomFully, persistent: n.persistent,
                             ips: n.minAddress != nil))
        if let lo = n.minAddress { b.put(8, lo.bytes); b.put(12, (n.maxAddress ?? lo).bytes) }
        if let p = n.ports { b.setBE16(16, p.low); b.setBE16(18, p.high) }
        return b.bytes
    }

    static func range(_ n: NATTarget, _ family: NftFamily, size: Int) throws -> [UInt8] {
        var b = InfoBlob(size: size)
        b.setU32(0, natFlags(ports: n.ports, random: n.random, randomFully: n.randomFully, persistent: n.persistent,
                             ips: n.minAddress != nil))
        if let lo = n.minAddress {
            guard lo.family == family.ipFamily else { throw CodecFailure("NAT address family") }
            b.put(4, lo.bytes); b.put(20, (n.maxAddress ?? lo).bytes)
        }
        if let p = n.ports { b.setBE16(36, p.low); b.setBE16(38, p.high) }
        return b.bytes
    }

    /// `-j NFLOG [--nflog-group N] [--nflog-prefix P]` -> native `log` (add_log: prefix, group).
    static func nflog(_ options: String) throws -> RawExpression {
        let words = options.split(separator: " ").map(String.init)
        var group: UInt16 = 0, prefix: String? = nil, i = 0
        while i < words.count {
            guard i + 1 < words.count else { throw CodecFailure("NFLOG options") }
            switch words[i] {
            case "--nflog-group": guard let g = UInt16(words[i + 1]) else { throw CodecFailure("NFLOG group") }; group = g
            case "--nflog-prefix":
                guard !words[i + 1].hasPrefix("\"") else { throw CodecFailure("quoted NFLOG prefix") }
                prefix = words[i + 1]
            default: throw CodecFailure("NFLOG option \(words[i])")
            }
            i += 2
        }
        var w = AttributeWriter()
        if let prefix { w.putString(2, prefix) }
        w.put(1, ByteCoding.big(group))
        return .unknown(UnknownExpr(name: "log", data: w.bytes))
    }
}
