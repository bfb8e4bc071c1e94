import Reconciler

/// nf_tables expressions of one rule -> AST `Rule`, following iptables-nft 1.8.9's
/// `nft_rule_to_iptables_command_state`. A rule with anything not understood exactly becomes an
/// opaque rule keeping its raw expression bytes.
public enum RuleDecoder {
    /// Decodes `expressions`; `raw` gives the exact NFTA_RULE_EXPRESSIONS bytes, asked for only
    /// when the rule turns out opaque.
    static func decode(_ expressions: [RawExpression], raw: () -> [UInt8], family: NftFamily,
                       ipsetNames: [UInt16: String], fromKernel: Bool = false) -> Rule {
        do {
            var state = DecodeState(family: family, ipsetNames: ipsetNames)
            for e in expressions { try state.consume(e) }
            try state.finish()
            return state.rule
        } catch {
            let bytes = raw()
            let text = fromKernel ? LibnftnlText.expressions(bytes, family: family) : nil
            var opaque = Rule(opaque: OpaqueRule(expressions: bytes, reason: "\(error)", text: text))
            // Where it jumps is still known: a chain an undecodable rule references must not be
            // deleted as stale (the kernel refuses with EBUSY and the whole transaction fails).
            opaque.target = chainVerdict(of: expressions)
            return opaque
        }
    }

    /// The jump or goto of a rule's verdict, if it has one.
    static func chainVerdict(of expressions: [RawExpression]) -> Target? {
        for case .immediate(let i) in expressions where i.dreg == 0 {
            switch i.data {
            case .verdict(.jump(let chain)): return .jump(chain)
            case .verdict(.goto(let chain)): return .goto(chain)
            default: continue
            }
        }
        return nil
    }
}

/// What a register holds while walking the expressions.
enum RegisterContent {
    case meta(UInt32)
    case payload(base: UInt32, offset: UInt32, len: UInt32)
    indirect case masked(RegisterContent, mask: [UInt8])
}

/// Register contents by register number: iptables-nft uses one or two registers per rule, so a
/// few inline slots (no allocation, no hashing per rule) with a dictionary only beyond them.
struct Registers {
    private var numbers = InlineArray<4, UInt32>(repeating: .max)
    private var contents = InlineArray<4, RegisterContent?>(repeating: nil)
    private var more: [UInt32: RegisterContent] = [:]

    subscript(register: UInt32) -> RegisterContent? {
        get {
            for i in numbers.indices where numbers[i] == register { return contents[i] }
            return more[register]
        }
        set {
            for i in numbers.indices where numbers[i] == register || numbers[i] == .max {
                numbers[i] = register; contents[i] = newValue; return
            }
            more[register] = newValue
        }
    }
}

struct DecodeState {
    let family: NftFamily
    let ipsetNames: [UInt16: String]
    var rule = Rule()
    var registers = Registers()
    /// Index in `rule.matches` of the tcp/udp match built from native port expressions.
    var nativePortMatch: Int?
    var sawCounter = false
    var done = false

    init(family: NftFamily, ipsetNames: [UInt16: String] = [:]) { self.family = family; self.ipsetNames = ipsetNames }

    mutating func consume(_ e: RawExpression) throws {
        guard !done else { throw CodecFailure("expression \(e.name) after the verdict") }
        switch e {
        case .meta(let m):
            guard let d = m.dreg, m.sreg == nil else { throw CodecFailure("meta set") }
            registers[d] = .meta(m.key)
        case .payload(let p): registers[p.dreg] = .payload(base: p.base, offset: p.offset, len: p.len)
        case .bitwise(let b):
            guard let src = registers[b.sreg], b.xor.allSatisfy({ $0 == 0 }) else { throw CodecFailure("bitwise") }
            registers[b.dreg] = .masked(src, mask: b.mask)
        case .cmp(let c):
            guard let src = registers[c.sreg] else { throw CodecFailure("cmp on empty register") }
            try cmp(src, op: c.op, data: c.data)
        case .range(let r):
            guard let src = registers[r.sreg] else { throw CodecFailure("range on empty register") }
            try range(src, op: r.op, from: r.from, to: r.to)
        case .counter: sawCounter = true
        case .immediate(let i):
            guard case .verdict(let v) = i.data, i.dreg == 0 else { throw CodecFailure("immediate data") }
            rule.target = try target(v)
            done = true
        case .match(let x) where x.extensionName == "set": rule.matches.append(try XtSetCodec.decode(x, ipsetNames: ipsetNames))
        case .match(let x): rule.matches.append(try XtMatchDecoder.decode(x, family: family))
        case .target(let x):
            rule.target = try XtTargetDecoder.decode(x, family: family)
            done = true
        case .unknown(let u):
            switch u.name {
            case "limit": rule.matches.append(try NativeExtensions.limit(u.data))
            case "log":
                rule.target = try NativeExtensions.nflog(u.data)
                done = true
            default: throw CodecFailure("expression \(u.name)")
            }
        case .lookup: throw CodecFailure("lookup expression")
        }
    }

    mutating func finish() throws {
        guard sawCounter else { throw CodecFailure("rule without counter") }
    }

    func target(_ v: Verdict) throws -> Target {
        switch v {
        case .accept: return .accept
        case .drop: return .drop
        case .return: return .return
        case .queue: return .queue
        case .jump(let c): return .jump(c)
        case .goto(let c): return .goto(c)
        case .continue, .break: throw CodecFailure("verdict \(v)")
        }
    }

    mutating func cmp(_ src: RegisterContent, op: UInt32, data: [UInt8]) throws {
        let eqNeq = op == CmpExpr.Op.eq || op == CmpExpr.Op.neq
        let neg = op == CmpExpr.Op.neq
        switch src {
        case .meta(MetaExpr.Key.l4proto) where eqNeq && data.count == 1:
            rule.proto = ProtocolMatch(data[0], negated: neg)
        case .meta(MetaExpr.Key.iifname) where eqNeq:
            rule.inInterface = InterfaceMatch(Self.ifname(data), negated: neg)
        case .meta(MetaExpr.Key.oifname) where eqNeq:
            rule.outInterface = InterfaceMatch(Self.ifname(data), negated: neg)
        case .meta(MetaExpr.Key.mark) where eqNeq && data.count == 4:
            rule.matches.append(.mark(MarkMatch(value: ByteCoding.loadHost(data, at: 0)!, negated: neg)))
        case .masked(.meta(MetaExpr.Key.mark), let mask) where eqNeq && data.count == 4 && mask.count == 4:
            rule.matches.append(.mark(MarkMatch(value: ByteCoding.loadHost(data, at: 0)!,
                                                mask: ByteCoding.loadHost(mask, at: 0)!, negated: neg)))
        case .payload(PayloadExpr.Base.network, let offset, let len) where eqNeq:
            try address(offset: offset, len: len, mask: nil, data: data, negated: neg)
        case .masked(.payload(PayloadExpr.Base.network, 6, 2), let mask)
            where family == .ipv4 && mask == [0x1f, 0xff] && data == [0, 0]:
            rule.fragment = Negation(negated: op == CmpExpr.Op.eq)
        case .masked(.payload(PayloadExpr.Base.network, let offset, let len), let mask) where eqNeq:
            try address(offset: offset, len: len, mask: mask, data: data, negated: neg)
        case .payload(PayloadExpr.Base.transport, let offset, let len):
            try transportCmp(offset: offset, len: len, op: op, data: data)
        case .masked(.payload(PayloadExpr.Base.transport, 13, 1), let mask) where eqNeq && mask.count == 1:
            guard rule.proto?.number == 6 else { throw CodecFailure("tcp flags without -p tcp") }
            try withTCP { $0.flags = TCPFlags(mask: mask[0], compare: data.first ?? 0, negated: neg) }
        default: throw CodecFailure("cmp on \(src) op \(op)")
        }
    }

    static func ifname(_ data: [UInt8]) -> String {
        if data.last == 0 { return ByteCoding.string(data) }
        return String(decoding: data, as: UTF8.self) + "+"
    }

    /// `-s` / `-d` from a network-header load: prefix length from the load length or the mask.
    mutating func address(offset: UInt32, len: UInt32, mask: [UInt8]?, data: [UInt8], negated: Bool) throws {
        let width = family == .ipv4 ? 4 : 16
        let (srcOff, dstOff): (UInt32, UInt32) = family == .ipv4 ? (12, 16) : (8, 24)
        guard offset == srcOff || offset == dstOff, Int(len) == data.count, len <= width else {
            throw CodecFailure("network header load at \(offset) len \(len)")
        }
        var prefix = Int(len) * 8
        if let mask {
            guard mask.count == data.count, let p = Self.prefixLength(mask) else { throw CodecFailure("non-prefix mask") }
            prefix = p
        }
        let full = data + [UInt8](repeating: 0, count: width - data.count)
        guard let addr = IPAddress(bytes: full), let cidr = CIDR(address: addr, prefix: prefix) else {
            throw CodecFailure("address")
        }
        if offset == srcOff { rule.source = AddressMatch(cidr, negated: negated) }
        else { rule.destination = AddressMatch(cidr, negated: negated) }
    }

    static func prefixLength(_ mask: [UInt8]) -> Int? {
        var ones = 0, seenZero = false
        for byte in mask {
            for bit in (0..<8).reversed() {
                if byte & (1 << bit) != 0 { if seenZero { return nil }; ones += 1 } else { seenZero = true }
            }
        }
        return ones
    }
}
