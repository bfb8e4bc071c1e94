import Foundation
import Reconciler
@testable import NetlinkBridge
import NetlinkBridgeTesting

/// An IPv4 plan with every kind of operation (table creation, built-in and user chains, inserts
/// at every placement, replaces, deletes, flushes, policies) over the rules of the fixture inputs,
/// `-m set` rules included; and the datagram the `NftBatch` path sends for it.
enum VariedPlan {
    static let inputs = ["kube-nat-ipv4.iptables", "kube-filter-ipv4.iptables", "extensions-ipv4.iptables",
                         "ipset-ipv4.iptables"]

    static func text(_ input: String) throws -> String {
        try String(contentsOf: GoldenFile.directory.appendingPathComponent("inputs/\(input)"), encoding: .utf8)
    }

    /// The sets the inputs name, at indices 3, 4, ... in order of first use.
    static func ipsets() throws -> IpsetTable {
        var names: [UInt16: String] = [:]
        for (i, set) in TestIpsets.referenced(in: try inputs.map(text).joined(separator: "\n")).enumerated() {
            names[UInt16(i + 3)] = set.name
        }
        return IpsetTable(names)
    }

    static func plan(generation: UInt32? = 41) throws -> Plan {
        var ops: [PlanOperation] = [.createTable(table: .nat), .createTable(table: .filter)]
        var handle: UInt64 = 100
        for input in inputs {
            let ruleset = try RestoreParser.ruleset(try text(input), family: .ipv4)
            for table in ruleset.tables {
                for chain in table.chains where !chain.isBuiltin {
                    ops.append(.createChain(table: table.name, chain: chain.name))
                }
                for chain in table.chains {
                    for (i, rule) in chain.rules.enumerated() {
                        handle += 1
                        ops.append(operation(i, table: table.name, chain: chain.name, rule: rule, handle: handle))
                    }
                }
            }
        }
        ops += [.createChain(table: .mangle, chain: "PREROUTING"),
                .flushChain(table: .nat, chain: "KUBE-STALE", rules: 3),
                .deleteChain(table: .nat, chain: "KUBE-STALE"),
                .setPolicy(table: .filter, chain: "FORWARD", policy: .drop),
                .setPolicy(table: .filter, chain: "INPUT", policy: .accept)]
        return Plan(family: .ipv4, operations: ops, generation: generation)
    }

    /// Cycles through the rule operations so that each kind meets every sort of rule.
    static func operation(_ i: Int, table: TableName, chain: String, rule: Rule, handle: UInt64) -> PlanOperation {
        switch i % 6 {
        case 0, 1: return .insertRule(table: table, chain: chain, rule: rule, placement: .append)
        case 2: return .insertRule(table: table, chain: chain, rule: rule, placement: .first)
        case 3: return .insertRule(table: table, chain: chain, rule: rule, placement: .before(handle: handle))
        case 4: return .replaceRule(table: table, chain: chain, handle: handle, old: rule, new: rule)
        default: return .deleteRule(table: table, chain: chain, handle: handle, rule: rule)
        }
    }

    /// What `NftClient.commit(_:echo:)` sends for `plan` through `NftBatch`: bound, framed, numbered
    /// from `firstSeq`, as one datagram.
    static func referenceDatagram(_ plan: Plan, echo: Bool, firstSeq: UInt32 = 7) throws -> [UInt8] {
        let batch = try PlanTranslator.batch(plan).bindingIpsets(try ipsets())
        var bytes: [UInt8] = []
        for (i, message) in batch.messages(echoingInserts: echo).enumerated() {
            var m = message
            m.seq = firstSeq + UInt32(i)
            m.flags |= NetlinkMessage.request
            m.appendEncoded(to: &bytes)
        }
        return bytes
    }

    static let fixture = "batch-varied-ipv4.hex"

    /// The datagram recorded from the `NftBatch` path (no echo, first seq 7).
    static func recorded() throws -> [UInt8]? {
        let url = GoldenFile.directory.appendingPathComponent(fixture)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        return ByteCoding.fromHex(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined())
    }
}
