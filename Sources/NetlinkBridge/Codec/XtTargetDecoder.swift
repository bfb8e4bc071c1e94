import Reconciler

/// xt compat `target` blobs -> typed AST targets, per name and revision.
enum XtTargetDecoder {
    static let rejectV4 = ["icmp-net-unreachable", "icmp-host-unreachable", "icmp-proto-unreachable",
                           "icmp-port-unreachable", "echo-reply", "icmp-net-prohibited", "icmp-host-prohibited",
                           "tcp-reset", "icmp-admin-prohibited"]
    static let rejectV6 = ["icmp6-no-route", "icmp6-adm-prohibited", "icmp6-not-neighbor", "icmp6-addr-unreachable",
                           "icmp6-port-unreachable", "echo-reply", "tcp-reset", "icmp6-policy-fail", "icmp6-reject-route"]

    static func decode(_ x: XtExpr, family: NftFamily) throws -> Target {
        let b = InfoBlob(x.info)
        switch (x.extensionName, x.revision) {
        case ("MARK", 2): return .mark(MarkTarget(value: b.u32(0), mask: b.u32(4)))
        case ("MASQUERADE", 0): return .masquerade(try masquerade(b, family: family))
        case ("REDIRECT", 0): return .redirect(try masquerade(b, family: family))
        case ("DNAT", 0) where family == .ipv4, ("SNAT", 0) where family == .ipv4:
            let nat = try compatRange(b)
            return x.extensionName == "DNAT" ? .dnat(nat) : .snat(nat)
        case ("DNAT", 1), ("DNAT", 2), ("SNAT", 1), ("SNAT", 2):
            let nat = try range(b, family: family)
            return x.extensionName == "DNAT" ? .dnat(nat) : .snat(nat)
        case ("REJECT", 0):
            let names = family == .ipv4 ? rejectV4 : rejectV6
            let code = Int(b.u32(0))
            guard code < names.count else { throw CodecFailure("REJECT with \(code)") }
            return .reject(RejectTarget(with: names[code]))
        case ("LOG", 0):
            return .log(LogTarget(prefix: b.string(2, 30), level: b.u8(0), flags: b.u8(1)))
        case ("CT", 1), ("CT", 2): return try ct(b)
        default: throw CodecFailure("xt target \(x.extensionName) rev \(x.revision)")
        }
    }

    /// NF_NAT_RANGE_* flags.
    enum NatFlag {
        static let mapIPs: UInt32 = 1, protoSpecified: UInt32 = 2, random: UInt32 = 4, persistent: UInt32 = 8
        static let randomFully: UInt32 = 16, protoOffset: UInt32 = 32
    }

    /// MASQUERADE / REDIRECT: IPv4 nf_nat_ipv4_multi_range_compat, IPv6 nf_nat_range.
    static func masquerade(_ b: InfoBlob, family: NftFamily) throws -> MasqueradeTarget {
        let flags: UInt32, ports: PortRange?
        if family == .ipv4 {
            guard b.u32(0) == 1 else { throw CodecFailure("nat rangesize \(b.u32(0))") }
            flags = b.u32(4)
            ports = flags & NatFlag.protoSpecified != 0 ? PortRange(b.be16(16), b.be16(18)) : nil
        } else {
            flags = b.u32(0)
            ports = flags & NatFlag.protoSpecified != 0 ? PortRange(b.be16(36), b.be16(38)) : nil
        }
        guard flags & ~(NatFlag.protoSpecified | NatFlag.random | NatFlag.randomFully) == 0 else {
            throw CodecFailure("masquerade flags \(flags)")
        }
        return MasqueradeTarget(ports: ports, random: flags & NatFlag.random != 0,
                                randomFully: flags & NatFlag.randomFully != 0)
    }

    /// IPv4 rev 0 DNAT/SNAT: nf_nat_ipv4_multi_range_compat.
    static func compatRange(_ b: InfoBlob) throws -> NATTarget {
        guard b.u32(0) == 1 else { throw CodecFailure("nat rangesize \(b.u32(0))") }
        return try nat(flags: b.u32(4), min: b.slice(8, 4), max: b.slice(12, 4),
                       minPort: b.be16(16), maxPort: b.be16(18))
    }

    /// nf_nat_range / nf_nat_range2: flags, min_addr, max_addr (16 bytes), min/max proto.
    static func range(_ b: InfoBlob, family: NftFamily) throws -> NATTarget {
        let len = family == .ipv4 ? 4 : 16
        guard b.count < 42 || b.be16(40) == 0 else { throw CodecFailure("nat base_proto") }
        return try nat(flags: b.u32(0), min: b.slice(4, len), max: b.slice(20, len),
                       minPort: b.be16(36), maxPort: b.be16(38))
    }

    static func nat(flags: UInt32, min: [UInt8], max: [UInt8], minPort: UInt16, maxPort: UInt16) throws -> NATTarget {
        guard flags & NatFlag.protoOffset == 0, flags < 64 else { throw CodecFailure("nat flags \(flags)") }
        let ips = flags & NatFlag.mapIPs != 0
        return NATTarget(minAddress: ips ? IPAddress(bytes: min) : nil, maxAddress: ips ? IPAddress(bytes: max) : nil,
                         ports: flags & NatFlag.protoSpecified != 0 ? PortRange(minPort, maxPort) : nil,
                         random: flags & NatFlag.random != 0, randomFully: flags & NatFlag.randomFully != 0,
                         persistent: flags & NatFlag.persistent != 0)
    }

    /// xt_ct_target_info(_v1): flags, zone, ct_events, exp_events, helper[16], (v1: timeout[32]).
    static func ct(_ b: InfoBlob) throws -> Target {
        let flags = b.u16(0)
        guard flags & ~3 == 0, b.u32(4) == 0, b.u32(8) == 0, b.count < 60 || b.string(28, 32).isEmpty else {
            throw CodecFailure("CT options")
        }
        if flags == 3 { return .notrack }
        let helper = b.string(12, 16)
        return .ct(CTTarget(notrack: flags & 1 != 0, helper: helper.isEmpty ? nil : helper,
                            zone: b.u16(2) == 0 ? nil : b.u16(2)))
    }
}
