import Reconciler

/// kube-proxy's unit-test comparison of iptables-restore text (proxier_test.go
/// `sortIPTablesRules` + `assertIPTablesRulesEqual`, util/iptables/testing `ParseIPTablesDump`):
/// rules grouped by chain, tables and chains sorted, and the rules of KUBE-NODEPORTS and
/// KUBE-SERVICES stably sorted by service name so that map order between services does not matter.
public enum RestoreTextNormalizer {
    public struct NormalizeError: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: String
        public var message: String
        public var description: String { "\(message): \(line)" }
    }

    struct DumpChain {
        var name: String
        var packets: String
        var bytes: String
        var rules: [String] = []
        var deleted = false
    }

    struct DumpTable {
        var name: String
        var chains: [DumpChain] = []
    }

    /// The normalised form of `text` (throws on text kube-proxy's parser rejects).
    public static func normalize(_ text: String) throws -> String {
        var tables = try parse(text)
        tables.sort { $0.name < $1.name }
        for t in tables.indices {
            tables[t].chains.sort { chainKey($0.name) < chainKey($1.name) }
            for c in tables[t].chains.indices {
                let chain = tables[t].chains[c]
                if chain.name == "KUBE-NODEPORTS" || (chain.name == "KUBE-SERVICES" && tables[t].name == "filter") {
                    tables[t].chains[c].rules = stableSort(chain.rules, lastMarker: nil)
                } else if chain.name == "KUBE-SERVICES" && tables[t].name == "nat" {
                    tables[t].chains[c].rules = stableSort(chain.rules, lastMarker: "must be the last rule")
                }
            }
        }
        return render(tables)
    }

    /// `ParseIPTablesDump`: tables, `:CHAIN - [p:b]` declarations, `-A` rules, `-X`, `COMMIT`.
    static func parse(_ text: String) throws -> [DumpTable] {
        var tables: [DumpTable] = []
        var inTable = false, inDecls = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !inTable {
                guard line.hasPrefix("*") else { throw NormalizeError(line: line, message: "expected table") }
                tables.append(DumpTable(name: String(line.dropFirst())))
                inTable = true; inDecls = true
                continue
            }
            if inDecls, let decl = declaration(line) { tables[tables.count - 1].chains.append(decl); continue }
            inDecls = false
            if line == "COMMIT" { inTable = false; continue }
            try addRuleOrDelete(line, &tables[tables.count - 1])
        }
        if inTable { throw NormalizeError(line: "", message: "no COMMIT at end") }
        return tables
    }

    static func declaration(_ line: String) -> DumpChain? {
        guard line.hasPrefix(":"), let sp = line.firstIndex(of: " ") else { return nil }
        let name = String(line[line.index(after: line.startIndex)..<sp])
        let rest = line[sp...]
        guard rest.hasPrefix(" - ["), rest.hasSuffix("]"), let colon = rest.firstIndex(of: ":") else { return nil }
        let p = rest[rest.index(rest.startIndex, offsetBy: 4)..<colon]
        let b = rest[rest.index(after: colon)..<rest.index(before: rest.endIndex)]
        guard p.allSatisfy(\.isNumber), b.allSatisfy(\.isNumber) else { return nil }
        return DumpChain(name: name, packets: p.isEmpty ? "0" : String(p), bytes: b.isEmpty ? "0" : String(b))
    }

    static func addRuleOrDelete(_ line: String, _ table: inout DumpTable) throws {
        if line.hasPrefix("-A ") {
            let name = String(line.dropFirst(3).prefix { $0 != " " })
            guard let i = table.chains.firstIndex(where: { $0.name == name }) else {
                throw NormalizeError(line: line, message: "rule for undeclared chain")
            }
            guard !table.chains[i].deleted else { throw NormalizeError(line: line, message: "rule for deleted chain") }
            table.chains[i].rules.append(line)
        } else if line.hasPrefix("-X ") {
            let name = String(line.dropFirst(3))
            guard let i = table.chains.firstIndex(where: { $0.name == name }) else {
                throw NormalizeError(line: line, message: "-X of undeclared chain")
            }
            guard table.chains[i].rules.isEmpty else { throw NormalizeError(line: line, message: "-X after rules") }
            table.chains[i].deleted = true
        } else {
            throw NormalizeError(line: line, message: "unparseable line")
        }
    }

    static func render(_ tables: [DumpTable]) -> String {
        var out: [String] = []
        for t in tables {
            out.append("*" + t.name)
            out += t.chains.map { ":\($0.name) - [\(Int($0.packets) ?? 0):\(Int($0.bytes) ?? 0)]" }
            out += t.chains.flatMap(\.rules)
            out += t.chains.filter(\.deleted).map { "-X " + $0.name }
            out.append("COMMIT")
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func chainKey(_ name: String) -> (Int, String) {
        if name == "KUBE-NODEPORTS" { return (0, "") }
        if name == "KUBE-SERVICES" { return (1, "") }
        return name.hasPrefix("KUBE-") ? (2, name) : (3, name)
    }

    /// The `--comment` value of a raw rule (quotes removed).
    static func comment(of rule: String) -> String? {
        var words: [String] = []
        var rest = Substring(rule)
        while let start = rest.firstIndex(where: { $0 != " " }) {
            rest = rest[start...]
            if rest.first == "\"", let end = rest.dropFirst().firstIndex(of: "\"") {
                words.append(String(rest[rest.index(after: rest.startIndex)..<end]))
                rest = rest[rest.index(after: end)...]
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                words.append(String(rest[..<end]))
                rest = rest[end...]
            }
        }
        guard let i = words.firstIndex(of: "--comment"), i + 1 < words.count else { return nil }
        return words[i + 1]
    }

    /// The service name of a rule: its comment up to the first space or `:`.
    static func serviceName(_ rule: String) -> String? {
        guard let c = comment(of: rule) else { return nil }
        return String(c.prefix { $0 != " " && $0 != ":" })
    }

    static func stableSort(_ rules: [String], lastMarker: String?) -> [String] {
        func less(_ a: String, _ b: String) -> Bool {
            if let m = lastMarker {
                if let ca = comment(of: a), ca.contains(m) { return false }
                if let cb = comment(of: b), cb.contains(m) { return true }
            }
            guard let na = serviceName(a), let nb = serviceName(b) else { return false }
            return na < nb
        }
        var out: [String] = []
        for r in rules {
            var i = out.count
            while i > 0 && less(r, out[i - 1]) { i -= 1 }
            out.insert(r, at: i)
        }
        return out
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
