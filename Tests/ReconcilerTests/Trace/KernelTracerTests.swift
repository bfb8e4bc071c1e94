import Testing
@testable import Reconciler

/// The kernel tracer on hand-made rulesets: random branches, foreign rules, opaque rules,
/// assumptions.
@Suite struct KernelTracerTests {
    static func ruleset(_ text: String) throws -> Ruleset { try RestoreParser.ruleset(text) }
    static let packet = TracePacket(source: IPAddress("10.0.0.2")!, destination: IPAddress("172.30.0.1")!, destinationPort: 80, proto: .tcp)

    @Test func everyRandomBranchWithItsChance() throws {
        let rs = try Self.ruleset("""
            *nat
            :PREROUTING ACCEPT [0:0]
            :KUBE-SVC-X - [0:0]
            -A PREROUTING -d 172.30.0.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-X
            -A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j DNAT --to-destination 10.1.0.1:8080
            -A KUBE-SVC-X -m statistic --mode random --probability 0.50000000000 -j DNAT --to-destination 10.1.0.2:8080
            -A KUBE-SVC-X -j DNAT --to-destination 10.1.0.3:8080
            COMMIT
            """)
        let r = KernelTracer(ruleset: rs, localAddresses: []).trace(Self.packet)
        #expect(r.verdict == .dnat && r.endpoints == ["10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080"])
        for e in r.endpoints { #expect(abs(r.probabilities[e]! - 1.0 / 3) < 1e-6, "\(r.probabilities)") }
    }

    /// Foreign rules are rules like any other: a Docker-style DNAT before kube-proxy's jump wins.
    @Test func foreignRulesAreTraced() throws {
        let rs = try Self.ruleset("""
            *nat
            :PREROUTING ACCEPT [0:0]
            :DOCKER - [0:0]
            :KUBE-SERVICES - [0:0]
            -A PREROUTING -j DOCKER
            -A PREROUTING -j KUBE-SERVICES
            -A DOCKER -d 172.30.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80
            -A KUBE-SERVICES -d 172.30.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.1.0.1:8080
            COMMIT
            """)
        let r = KernelTracer(ruleset: rs, localAddresses: []).trace(Self.packet)
        #expect(r.endpoints == ["172.17.0.2:80"])
        #expect(r.path.contains { $0.chain == "DOCKER" && $0.matched })
        #expect(!r.path.contains { $0.chain == "KUBE-SERVICES" })
    }

    @Test func opaqueRuleStopsTheTrace() throws {
        var rs = try Self.ruleset("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j ACCEPT\nCOMMIT\n")
        var nat = rs[table: .nat]!
        var pre = nat[chain: "PREROUTING"]!
        pre.rules.insert(Rule(opaque: OpaqueRule(expressions: [1, 2, 3], reason: "owner rev 9")), at: 0)
        nat[chain: "PREROUTING"] = pre
        rs[table: .nat] = nat
        let r = KernelTracer(ruleset: rs, localAddresses: []).trace(Self.packet)
        #expect(r.cannotEvaluate?.contains("not decodable") == true, "\(r)")
        #expect(r.path.first?.why.hasPrefix("cannot evaluate") == true)
    }

    /// Affinity needs history: the trace assumes a first connection and says so.
    @Test func affinityIsAnAssumption() throws {
        let rs = try Self.ruleset("""
            *nat
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-A --mask 255.255.255.255 --rsource -j DNAT --to-destination 10.1.0.1:8080
            -A PREROUTING -j DNAT --to-destination 10.1.0.2:8080
            COMMIT
            """)
        let r = KernelTracer(ruleset: rs, localAddresses: []).trace(Self.packet)
        #expect(r.endpoints == ["10.1.0.2:8080"])
        #expect(r.assumptions.contains { $0.contains("session affinity") })
    }

    /// A packet from a node address starts in nat OUTPUT, not PREROUTING.
    @Test func localSourceUsesOutput() throws {
        let rs = try Self.ruleset("""
            *nat
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            -A PREROUTING -j DNAT --to-destination 10.1.0.1:8080
            -A OUTPUT -j DNAT --to-destination 10.1.0.2:8080
            COMMIT
            """)
        var p = Self.packet
        p.source = IPAddress("192.168.0.2")!
        #expect(KernelTracer(ruleset: rs, localAddresses: [IPAddress("192.168.0.2")!]).trace(p).endpoints == ["10.1.0.2:8080"])
    }

    /// IPv6 endpoints are `[ip]:port` in the result.
    @Test func ipv6EndpointsAreBracketed() throws {
        let rs = try RestoreParser.ruleset("*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -d fd00:30::1/128 -p tcp -m tcp --dport 80 -j DNAT --to-destination [fd00:10::5]:8080\nCOMMIT\n",
                                           family: .ipv6)
        let p = TracePacket(source: IPAddress("fd00:10::9")!, destination: IPAddress("fd00:30::1")!, destinationPort: 80, proto: .tcp)
        let r = KernelTracer(ruleset: rs, localAddresses: []).trace(p)
        #expect(r.endpoints == ["[fd00:10::5]:8080"] && r.probabilities["[fd00:10::5]:8080"] == 1)
    }
}
