import Foundation
@testable import NetlinkBridge

/// A golden fixture under Tests/Fixtures/netlink: rules that iptables-nft 1.8.9 wrote, as the
/// kernel dumps them back (NFTA_RULE_EXPRESSIONS hex), each with iptables-save's line for it.
///
/// Format (one record per line, `#` lines are provenance):
///   family ipv4|ipv6
///   ipset INDEX NAME   (the namespace's ipsets that `-m set` blobs refer to by index)
///   table NAME
///   chain NAME [base HOOK PRIO TYPE POLICY]
///   rule CHAIN HANDLE
///   save -A CHAIN ...
///   exprs HEX
struct GoldenFile {
    struct Rule {
        var family: NftFamily
        var table: String
        var chain: String
        var save: String
        var exprs: [UInt8]
    }
    struct ChainLine { var family: NftFamily; var table: String; var line: String }

    var name: String
    var rules: [Rule] = []
    var chains: [ChainLine] = []
    var ipsets: [UInt16: String] = [:]

    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/netlink")
    }

    static func all() throws -> [GoldenFile] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".golden") }.sorted()
            .map { try load($0) }
    }

    static func load(_ name: String) throws -> GoldenFile {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        var g = GoldenFile(name: name)
        var family = NftFamily.ipv4, table = "", chain = "", save = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            let (key, rest) = line.firstIndex(of: " ").map { (line[..<$0], String(line[line.index(after: $0)...])) }
                ?? (line[...], "")
            switch key {
            case "family": family = rest == "ipv6" ? .ipv6 : .ipv4
            case "table": table = rest
            case "ipset":
                let parts = rest.split(separator: " ")
                if parts.count == 2, let index = UInt16(parts[0]) { g.ipsets[index] = String(parts[1]) }
            case "chain": g.chains.append(ChainLine(family: family, table: table, line: rest))
            case "rule": chain = String(rest.split(separator: " ")[0])
            case "save": save = rest
            case "exprs":
                g.rules.append(Rule(family: family, table: table, chain: chain, save: save,
                                    exprs: ByteCoding.fromHex(rest) ?? []))
            default: continue
            }
        }
        return g
    }
}
