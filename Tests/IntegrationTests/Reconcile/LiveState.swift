import Foundation
import Testing
@testable import Reconciler

/// Views of a ruleset for comparing the live state (iptables-save) with the desired one.
enum LiveState {
    /// The live tables as iptables-save prints them, parsed.
    static func ruleset(_ namespace: NetworkNamespace) throws -> Ruleset {
        try RestoreParser.ruleset(try namespace.save())
    }

    /// What we own, in canonical iptables-save text: every owned chain of filter and nat (sorted
    /// by name) with its rules, and our jump rules in the built-in chains. Rule order is kept
    /// except where kube-proxy's order is free: KUBE-SERVICES/KUBE-NODEPORTS rules are sorted
    /// (the "must be the last rule" rule stays last) and built-in jumps are sorted (takeover
    /// keeps existing jumps wherever kube-proxy's EnsureRule put them).
    static func ownedView(_ ruleset: Ruleset) -> String {
        var out = ""
        for table in ruleset.tables.sorted(by: { $0.name < $1.name }) where table.name == .filter || table.name == .nat {
            out += "*\(table.name.rawValue)\n"
            for chain in table.chains.sorted(by: { $0.name < $1.name }) {
                let lines = chain.rules.map { SaveRenderer.line(chain: chain.name, rule: $0, family: ruleset.family) }
                if table.name.builtinChains.contains(chain.name) {
                    let ours = chain.rules.indices.filter { Ownership.isOurJump(chain.rules[$0], in: table.name) }
                    out += ours.map { lines[$0] }.sorted().map { $0 + "\n" }.joined()
                } else if Ownership.owns(chain: chain.name, in: table.name) {
                    out += ":\(chain.name)\n" + freeOrderSorted(chain, lines).map { $0 + "\n" }.joined()
                }
            }
        }
        return out
    }

    private static func freeOrderSorted(_ chain: Chain, _ lines: [String]) -> [String] {
        guard Ownership.hasFreeOrder(chain.name) else { return lines }
        let pinned = chain.rules.indices.filter { Ownership.isPinnedLast(chain.rules[$0]) }
        let free = chain.rules.indices.filter { !Ownership.isPinnedLast(chain.rules[$0]) }
        return free.map { lines[$0] }.sorted() + pinned.map { lines[$0] }
    }

    /// Every line of iptables-save output that is not ours, prefixed with its table: chain
    /// declarations of chains we do not own and rules other than those in owned chains and our
    /// jumps in built-in chains, byte for byte. Built-in chain declarations are included only
    /// when `builtins` is true (a table we create brings its built-in chains).
    static func foreignLines(_ saveText: String, builtins: Bool = true) -> [String] {
        var table = ""
        var out: [String] = []
        for raw in saveText.split(separator: "\n") {
            let line = String(raw)
            if line.hasPrefix("#") || line == "COMMIT" { continue }
            if line.hasPrefix("*") { table = String(line.dropFirst()); continue }
            let tableName = TableName(rawValue: table)
            let words = line.split(separator: " ").map(String.init)
            let chain = line.hasPrefix(":") ? String(words[0].dropFirst()) : (words.count > 1 ? words[1] : "")
            let builtin = tableName?.builtinChains.contains(chain) ?? false
            if let tableName, Ownership.owns(chain: chain, in: tableName) { continue }
            if line.hasPrefix(":") {
                if !builtin || builtins { out.append("\(table): \(line)") }
                continue
            }
            if builtin, let tableName, let target = jumpTarget(words), Ownership.owns(chain: target, in: tableName) { continue }
            out.append("\(table): \(line)")
        }
        return out
    }

    private static func jumpTarget(_ words: [String]) -> String? {
        guard let index = words.lastIndex(where: { $0 == "-j" || $0 == "-g" }), index + 1 < words.count else { return nil }
        return words[index + 1]
    }
}

/// Assertions shared by the reconcile scenarios.
enum Converged {
    /// The live owned state equals the desired state and, when `foreignBefore` is given (the
    /// iptables-save text before reconciling), every foreign line survived byte for byte.
    static func expect(_ namespace: NetworkNamespace, equals desired: Ruleset, foreignBefore: String? = nil,
                       _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
        let saved = try namespace.save(desired.family.rawValue)
        let live = try RestoreParser.ruleset(saved, family: desired.family)
        let got = LiveState.ownedView(live), want = LiveState.ownedView(desired)
        #expect(got == want, "\(context): owned state differs\n\(lineDiff(got, want))", sourceLocation: sourceLocation)
        guard let foreignBefore else { return }
        let before = LiveState.foreignLines(foreignBefore)
        let beforeBuiltins = Set(before.filter(isDeclaration))
        let after = LiveState.foreignLines(saved).filter { !isDeclaration($0) || !isBuiltinDeclaration($0) || beforeBuiltins.contains($0) }
        #expect(after == before, "\(context): foreign rules changed\n\(lineDiff(after.joined(separator: "\n"), before.joined(separator: "\n")))",
                sourceLocation: sourceLocation)
    }

    /// A second run of the same reconcile does nothing.
    static func expectIdle(_ namespace: NetworkNamespace, _ files: [String], _ flags: NodeFlags,
                           _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws {
        let document = try Kpx.reconcileJSON(namespace, files, flags)
        #expect(!document.changes && document.operations.isEmpty,
                "\(context): second run was not idle: \(document.operations.map { "\($0.op) \($0.table) \($0.chain ?? "") \($0.rule ?? "")" })",
                sourceLocation: sourceLocation)
    }

    private static func isDeclaration(_ line: String) -> Bool { line.contains(": :") }

    private static func isBuiltinDeclaration(_ line: String) -> Bool {
        let parts = line.split(separator: " ")
        guard parts.count > 1, let table = TableName(rawValue: String(parts[0].dropLast())) else { return false }
        return table.builtinChains.contains(String(parts[1].dropFirst()))
    }

    /// Lines only in `got` (`+`) or only in `want` (`-`).
    static func lineDiff(_ got: String, _ want: String) -> String {
        let g = got.split(separator: "\n"), w = want.split(separator: "\n")
        let gs = Set(g), ws = Set(w)
        return (g.filter { !ws.contains($0) }.map { "+ \($0)" } + w.filter { !gs.contains($0) }.map { "- \($0)" })
            .prefix(40).joined(separator: "\n")
    }
}
