import Reconciler

/// Native tcp/udp port and flag expressions -> the rule's tcp/udp match (nft_parse_transport).
extension DecodeState {
    mutating func transportCmp(offset: UInt32, len: UInt32, op: UInt32, data: [UInt8]) throws {
        switch (offset, len) {
        case (0, 2): try ports(source: ByteCoding.loadBig(data, at: 0), destination: nil, op: op)
        case (0, 4):
            let both: UInt32 = ByteCoding.loadBig(data, at: 0) ?? 0
            try ports(source: UInt16(both >> 16), destination: UInt16(both & 0xffff), op: op)
        case (2, 2): try ports(source: nil, destination: ByteCoding.loadBig(data, at: 0), op: op)
        default: throw CodecFailure("transport header load at \(offset) len \(len)")
        }
    }

    mutating func range(_ src: RegisterContent, op: UInt32, from: [UInt8], to: [UInt8]) throws {
        guard case .payload(PayloadExpr.Base.transport, let offset, 2) = src, offset == 0 || offset == 2,
              from.count == 2, to.count == 2, op <= 1 else { throw CodecFailure("range on \(src)") }
        let spec = PortSpec(PortRange(ByteCoding.loadBig(from, at: 0)!, ByteCoding.loadBig(to, at: 0)!), negated: op == 1)
        try withPorts { ports in if offset == 0 { ports.source = spec } else { ports.destination = spec } }
    }

    /// `port_match_single_to_range`: eq/neq set a single port; lt/lte/gt/gte narrow the range.
    mutating func ports(source: UInt16?, destination: UInt16?, op: UInt32) throws {
        func apply(_ spec: PortSpec?, _ port: UInt16) throws -> PortSpec {
            var range = spec?.range ?? PortRange(0, 0xffff)
            var negated = spec?.negated ?? false
            switch op {
            case CmpExpr.Op.eq: range = PortRange(port)
            case CmpExpr.Op.neq: range = PortRange(port); negated = true
            case CmpExpr.Op.lt: range.high = max(port &- 1, 1)
            case CmpExpr.Op.lte: range.high = port
            case CmpExpr.Op.gt: range.low = port == 0xffff ? port : port + 1
            case CmpExpr.Op.gte: range.low = port
            default: throw CodecFailure("port cmp op \(op)")
            }
            return PortSpec(range, negated: negated)
        }
        try withPorts { ports in
            if let source { ports.source = try apply(ports.source, source) }
            if let destination { ports.destination = try apply(ports.destination, destination) }
        }
    }

    /// Runs `body` on the port part of the rule's native tcp/udp match, creating it at this position.
    mutating func withPorts(_ body: (inout PortMatch) throws -> Void) throws {
        switch rule.proto?.number {
        case 6: try withTCP { try body(&$0.ports) }
        case 17:
            if nativePortMatch == nil { rule.matches.append(.udp(PortMatch())); nativePortMatch = rule.matches.count - 1 }
            guard let i = nativePortMatch, case .udp(var ports) = rule.matches[i] else { throw CodecFailure("udp ports") }
            try body(&ports)
            rule.matches[i] = .udp(ports)
        default: throw CodecFailure("transport ports without -p tcp/udp")
        }
    }

    mutating func withTCP(_ body: (inout TCPMatch) throws -> Void) throws {
        guard rule.proto?.number == 6, rule.proto?.negated == false else { throw CodecFailure("tcp match without -p tcp") }
        if nativePortMatch == nil { rule.matches.append(.tcp(TCPMatch())); nativePortMatch = rule.matches.count - 1 }
        guard let i = nativePortMatch, case .tcp(var tcp) = rule.matches[i] else { throw CodecFailure("tcp match") }
        try body(&tcp)
        rule.matches[i] = .tcp(tcp)
    }
}

/// iptables-nft's native encodings of `-m limit` and `-j NFLOG`.
enum NativeExtensions {
    static let limitUnits: [UInt64: UInt32] = [1: 10000, 60: 10000 * 60, 3600: 10000 * 3600, 86400: 10000 * 86400]

    /// `limit` expression (rate, unit, burst, type, flags) -> `-m limit`.
    static func limit(_ data: [UInt8]) throws -> Match {
        let a = try NetlinkAttribute.parse(data)
        guard ExprAttrs.only(a, [1, 2, 3, 4, 5]), let rate = a.first(1)?.u64, let unit = a.first(2)?.u64,
              rate > 0, let scale = limitUnits[unit], a.first(4)?.u32 ?? 0 == 0, a.first(5)?.u32 ?? 0 == 0 else {
            throw CodecFailure("limit expression")
        }
        return .limit(LimitMatch(average: UInt32(UInt64(scale) / rate), burst: a.first(3)?.u32 ?? 0))
    }

    static func encodeLimit(_ limit: LimitMatch) throws -> RawExpression {
        let mult: [UInt32] = [10000 * 86400, 10000 * 3600, 10000 * 60, 10000]
        guard limit.average > 0 else { throw CodecFailure("limit average 0") }
        var i = 1
        while i < mult.count {
            if limit.average > mult[i] || mult[i] / limit.average < mult[i] % limit.average { break }
            i += 1
        }
        var w = AttributeWriter()
        w.putU64(1, UInt64(mult[i - 1] / limit.average))
        w.putU64(2, UInt64(mult[i - 1] / 10000))
        w.putU32(3, limit.burst)
        w.putU32(4, 0)
        w.putU32(5, 0)
        return .unknown(UnknownExpr(name: "limit", data: w.bytes))
    }

    /// `log` expression with only a group (and prefix) -> `-j NFLOG`.
    static func nflog(_ data: [UInt8]) throws -> Target {
        let a = try NetlinkAttribute.parse(data)
        guard ExprAttrs.only(a, [1, 2]), let g = a.first(1), g.value.count == 2 else { throw CodecFailure("log expression") }
        var words: [String] = []
        if let prefix = a.first(2)?.string, !prefix.isEmpty { words.append("--nflog-prefix \(quote(prefix))") }
        let group: UInt16 = ByteCoding.loadBig(g.value, at: 0)!
        if group != 0 { words.append("--nflog-group \(group)") }
        return .unknown(UnknownExtension(name: "NFLOG", options: words.joined(separator: " ")))
    }

    static func quote(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "-_./:".contains($0) } && !s.isEmpty ? s : "\"\(s)\""
    }
}
