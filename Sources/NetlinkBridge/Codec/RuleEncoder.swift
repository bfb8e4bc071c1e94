public import Reconciler

/// AST `Rule` -> nf_tables expressions exactly as iptables-nft 1.8.9 writes them
/// (`nft_ipv4_add` / `nft_ipv6_add`): interfaces, protocol, addresses, fragment, matches in
/// order, counter, then the verdict or target; plus the NFTA_RULE_COMPAT protocol.
public enum RuleEncoder {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The rule as a spec for `NftBatch`; throws for opaque rules and anything we cannot write exactly.
    /// `-m set` indices stay unbound in `ipsets` until the client commits the batch.
    public static func spec(_ rule: Rule, table: String, chain: String, family: NftFamily,
                            label: String? = nil) throws -> NftRuleSpec {
        let (exprs, ipsets) = try encode(rule, family: family)
        return NftRuleSpec(table: table, chain: chain, expressions: exprs,
                           compatProto: UInt32(rule.proto?.number ?? 0), compatInverted: rule.proto?.negated ?? false,
                           label: label, ipsets: ipsets)
    }

    /// The rule's expressions; `-m set` matches are bound through `ipsets` (required when the rule has any).
    public static func expressions(_ rule: Rule, family: NftFamily, ipsets: (any IpsetLookup)? = nil) throws -> [RawExpression] {
        let (exprs, bindings) = try encode(rule, family: family)
        guard !bindings.isEmpty else { return exprs }
        guard let ipsets else { throw Failure(description: "-m set needs an ipset lookup to bind set indices") }
        do {
            return try NftRuleSpec(table: "", chain: "", expressions: exprs, ipsets: bindings)
                .bindingIpsets(ipsets, family: family).expressions
        } catch let error as IpsetError {
            throw Failure(description: error.description)
        }
    }

    static func encode(_ rule: Rule, family: NftFamily) throws -> ([RawExpression], [IpsetBinding]) {
        do {
            guard rule.opaque == nil else { throw CodecFailure("opaque rule") }
            var out: [RawExpression] = []
            if let i = rule.inInterface { out += iface(i, key: MetaExpr.Key.iifname) }
            if let o = rule.outInterface { out += iface(o, key: MetaExpr.Key.oifname) }
            if let p = rule.proto {
                out += [.meta(MetaExpr(key: MetaExpr.Key.l4proto)), .cmp(CmpExpr(op: op(p.negated), data: [p.number]))]
            }
            let (srcOff, dstOff): (UInt32, UInt32) = family == .ipv4 ? (12, 16) : (8, 24)
            if let s = rule.source { out += address(s, offset: srcOff) }
            if let d = rule.destination { out += address(d, offset: dstOff) }
            if let f = rule.fragment {
                guard family == .ipv4 else { throw CodecFailure("-f in ip6tables") }
                out += [.payload(PayloadExpr(base: PayloadExpr.Base.network, offset: 6, len: 2)),
                        .bitwise(BitwiseExpr(mask: [0x1f, 0xff])),
                        .cmp(CmpExpr(op: f.negated ? CmpExpr.Op.eq : CmpExpr.Op.neq, data: [0, 0]))]
            }
            var ipsets: [IpsetBinding] = []
            for m in rule.matches {
                if case .set(let s) = m { ipsets.append(IpsetBinding(expression: out.count, setName: s.setName)) }
                out += try match(m, rule: rule, family: family)
            }
            out.append(.counter(CounterExpr()))
            if let t = rule.target { out.append(try XtTargetEncoder.encode(t, family: family)) }
            return (out, ipsets)
        } catch let failure as CodecFailure {
            throw Failure(description: failure.description)
        }
    }

    static func op(_ negated: Bool) -> UInt32 { negated ? CmpExpr.Op.neq : CmpExpr.Op.eq }

    /// add_iniface / add_outiface: `name\0` exact, `pre` for `pre+`, nothing for a bare `+`.
    static func iface(_ i: InterfaceMatch, key: UInt32) -> [RawExpression] {
        var out: [RawExpression] = [.meta(MetaExpr(key: key))]
        if i.isWildcard {
            let prefix = Array(i.name.utf8.dropLast())
            if !prefix.isEmpty { out.append(.cmp(CmpExpr(op: op(i.negated), data: prefix))) }
            else if i.negated { out.append(.cmp(CmpExpr(op: CmpExpr.Op.eq, data: Array("INVAL/D".utf8) + [0]))) }
        } else {
            out.append(.cmp(CmpExpr(op: op(i.negated), data: Array(i.name.utf8) + [0])))
        }
        return out
    }

    /// add_addr: whole-byte prefixes load fewer bytes; other masks load all and add a bitwise.
    static func address(_ a: AddressMatch, offset: UInt32) -> [RawExpression] {
        if a.cidr.prefix == 0 && !a.negated { return [] }
        let mask = a.cidr.maskBytes, data = a.cidr.address.bytes
        let first = mask.firstIndex { $0 != 0xff } ?? mask.count
        let bitwise = first < mask.count && (mask[first] != 0 || mask[(first + 1)...].contains { $0 != 0 })
        let len = bitwise ? mask.count : first
        var out: [RawExpression] = [.payload(PayloadExpr(base: PayloadExpr.Base.network, offset: offset, len: UInt32(len)))]
        if bitwise { out.append(.bitwise(BitwiseExpr(mask: mask))) }
        out.append(.cmp(CmpExpr(op: op(a.negated), data: Array(data.prefix(len)))))
        return out
    }

    static func match(_ m: Match, rule: Rule, family: NftFamily) throws -> [RawExpression] {
        switch m {
        case .tcp(let t) where t.ports.source != nil || t.ports.destination != nil || t.flags != nil:
            guard rule.proto == .tcp else { throw CodecFailure("TCP match requires '-p tcp'") }
            var out: [RawExpression] = []
            if let f = t.flags {
                out += [.payload(PayloadExpr(base: PayloadExpr.Base.transport, offset: 13, len: 1)),
                        .bitwise(BitwiseExpr(mask: [f.mask])), .cmp(CmpExpr(op: op(f.negated), data: [f.compare]))]
            }
            return out + ports(t.ports)
        case .udp(let u) where u.source != nil || u.destination != nil:
            guard rule.proto == .udp else { throw CodecFailure("UDP match requires '-p udp'") }
            return ports(u)
        case .mark(let mark):
            var out: [RawExpression] = [.meta(MetaExpr(key: MetaExpr.Key.mark))]
            if mark.mask != 0xffff_ffff { out.append(.bitwise(BitwiseExpr(mask: ByteCoding.host(mark.mask)))) }
            out.append(.cmp(CmpExpr(op: op(mark.negated), data: ByteCoding.host(mark.value))))
            return out
        case .limit(let l): return [try NativeExtensions.encodeLimit(l)]
        default: return [.match(try XtMatchEncoder.encode(m, family: family))]
        }
    }

    /// add_nft_tcpudp.
    static func ports(_ p: PortMatch) -> [RawExpression] {
        let src = p.source?.range ?? PortRange(0, 0xffff), dst = p.destination?.range ?? PortRange(0, 0xffff)
        let invSrc = p.source?.negated ?? false, invDst = p.destination?.negated ?? false
        let th = PayloadExpr.Base.transport
        if src.low != 0 && src.low == src.high && dst.low != 0 && dst.low == dst.high && invSrc == invDst {
            let combined = UInt32(dst.low) | UInt32(src.low) << 16
            return [.payload(PayloadExpr(base: th, offset: 0, len: 4)), .cmp(CmpExpr(op: op(invSrc), data: ByteCoding.big(combined)))]
        }
        var out: [RawExpression] = []
        if src.low != 0 || src.high < 0xffff {
            out += [.payload(PayloadExpr(base: th, offset: 0, len: 2)), rangeCmp16(src, inverted: invSrc)]
        }
        if dst.low != 0 || dst.high < 0xffff {
            out += [.payload(PayloadExpr(base: th, offset: 2, len: 2)), rangeCmp16(dst, inverted: invDst)]
        }
        return out
    }

    /// expr_gen_range_cmp16.
    static func rangeCmp16(_ r: PortRange, inverted: Bool) -> RawExpression {
        if r.low == r.high { return .cmp(CmpExpr(op: op(inverted), data: ByteCoding.big(r.low))) }
        if r.low == 0 && r.high < 0xffff {
            return .cmp(CmpExpr(op: inverted ? CmpExpr.Op.gt : CmpExpr.Op.lte, data: ByteCoding.big(r.high)))
        }
        return .range(RangeExpr(op: inverted ? 1 : 0, from: ByteCoding.big(r.low), to: ByteCoding.big(r.high)))
    }
}
