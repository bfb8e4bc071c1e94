import Foundation
import Testing
import Reconciler
@testable import NetlinkBridge

/// Dual-stack groundwork (issue 14): an IPv4 plan and an IPv6 plan committed as ONE nf_tables
/// transaction: one new generation, both families changed, or (on a refusal in either half)
/// neither.
@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct TwoFamilyCommitTests {
    static let base = "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -j KUBE-SERVICES\nCOMMIT\n"

    static func plan(_ family: IPFamily, generation: UInt32, _ operations: [PlanOperation]) -> Plan {
        Plan(family: family, operations: operations, generation: generation)
    }

    static func returnRule(_ comment: String) -> Rule {
        Rule(matches: [.comment(comment)], target: .return)
    }

    @Test func bothFamiliesChangeInOneGeneration() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        _ = try ns.exec(["ip6tables-restore"], input: Self.base) as String
        let backend = try NetlinkBackend(netns: ns.name)
        let generation = try backend.generation()
        let insert = { (c: String) in PlanOperation.insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.returnRule(c), placement: .append) }
        _ = try backend.commit(families: [Self.plan(.ipv4, generation: generation, [insert("v4 half")]),
                                          Self.plan(.ipv6, generation: generation, [insert("v6 half")])], learningHandles: false)
        #expect(try backend.generation() == generation &+ 1, "one transaction")
        let v4: String = try ns.exec(["iptables-save", "-t", "nat"]), v6: String = try ns.exec(["ip6tables-save", "-t", "nat"])
        #expect(v4.contains("-A KUBE-SERVICES -m comment --comment \"v4 half\" -j RETURN"), "\(v4)")
        #expect(v6.contains("-A KUBE-SERVICES -m comment --comment \"v6 half\" -j RETURN"), "\(v6)")
    }

    @Test func aRefusalInTheIPv6HalfChangesNeitherFamily() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: Self.base) as String
        _ = try ns.exec(["ip6tables-restore"], input: Self.base) as String
        let before = (try ns.exec(["iptables-save", "-t", "nat"]) as String, try ns.exec(["ip6tables-save", "-t", "nat"]) as String)
        let backend = try NetlinkBackend(netns: ns.name)
        let generation = try backend.generation()
        let good = PlanOperation.insertRule(table: .nat, chain: "KUBE-SERVICES", rule: Self.returnRule("v4 half"), placement: .append)
        let bad = PlanOperation.insertRule(table: .nat, chain: "NO-SUCH-CHAIN", rule: Self.returnRule("v6 half"), placement: .append)
        #expect(throws: BackendError.self) {
            _ = try backend.commit(families: [Self.plan(.ipv4, generation: generation, [good]),
                                              Self.plan(.ipv6, generation: generation, [bad])], learningHandles: false)
        }
        #expect(try backend.generation() == generation, "nothing committed")
        let after = (try ns.exec(["iptables-save", "-t", "nat"]) as String, try ns.exec(["ip6tables-save", "-t", "nat"]) as String)
        #expect(Self.strip(after.0) == Self.strip(before.0) && Self.strip(after.1) == Self.strip(before.1))
    }

    static func strip(_ save: String) -> String {
        save.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }
}
