public import ArgumentParser
import Foundation
import NetlinkBridge
public import Reconciler

/// `kpx-reconcile dump`: prints a ruleset as canonical iptables-save text, from a file or
/// (without `--input`) from the live tables of a network namespace read over netlink.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print a ruleset in canonical iptables-save form.")

    @Option(name: .long, help: "Read an iptables-save/iptables-restore file ('-' for standard input).")
    var input: String?

    @Option(name: .long, help: "Read the live tables of this network namespace (name or path); default: current.")
    var netns: String?

    @Option(name: .long, help: "text (iptables-save) or json (live tables only).")
    var output: DumpOutput = .text

    @Option(name: .long, help: "Only this table (filter, nat, mangle, raw, security, or all).")
    var table: String = "all"

    @Option(name: .customLong("ip-family"), help: "ipv4, ipv6, or all (each family after a '# ipv4' / '# ipv6' line; JSON: an array).")
    var ipFamily: FamilyChoice = .ipv4

    func run() throws {
        let selection = try TableSelection(table)
        let labelled = ipFamily == .all
        guard let input else {
            var documents: [String] = []
            for family in ipFamily.families {
                let tables = try LiveTables.read(netns: netns, family: family, selection: selection)
                if output == .json {
                    documents.append(try LiveTables.json(tables, family: family))
                } else {
                    print((labelled ? FamilySections.header(family) + "\n" : "") + LiveTables.text(tables, family: family), terminator: "")
                }
            }
            if output == .json { print(labelled ? "[\n" + documents.joined(separator: ",\n") + "]\n" : documents[0], terminator: "") }
            return
        }
        let text = try InputFiles.read(input)
        do {
            let parts = labelled ? try FamilySections.split(text) : [(family: ipFamily.families[0], text: text)]
            for part in parts {
                let ruleset = try RestoreParser.ruleset(part.text, family: part.family)
                print((labelled ? FamilySections.header(part.family) + "\n" : "") + SaveRenderer.render(selection.apply(to: ruleset)), terminator: "")
            }
        } catch {
            throw CLIError("\(input): \(error)")
        }
    }
}

extension IPFamily: ExpressibleByArgument {}

/// A `--table` choice: one table or all of them.
struct TableSelection {
    let name: TableName?

    init(_ text: String) throws {
        if text == "all" { name = nil; return }
        guard let table = TableName(rawValue: text) else {
            throw ValidationError("unknown table '\(text)' (expected filter, nat, mangle, raw, security or all)")
        }
        name = table
    }

    func apply(to ruleset: Ruleset) -> Ruleset {
        guard let name else { return ruleset }
        var copy = ruleset
        copy.tables = ruleset.tables.filter { $0.name == name }
        return copy
    }
}

/// Reads input files named on the command line.
enum InputFiles {
    static func read(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CLIError("cannot read '\(path)'")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("'\(path)' is not UTF-8 text") }
        return text
    }
}

/// A failure reported to the operator as one line, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
