import ArgumentParser
import Foundation
import NetlinkBridge
import Reconciler

/// `kpx-reconcile restore`: loads iptables-restore text through netlink as the minimal change
/// from the live tables, in one atomic transaction.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Load iptables-restore text (standard input) through netlink, atomically.")

    @Option(name: .long, help: "Network namespace name (under /var/run/netns) or path; default: current.")
    var netns: String?

    @Flag(name: .long, help: "Keep chains the input does not mention (like iptables-restore --noflush).")
    var noflush = false

    @Option(name: .customLong("ip-family"), help: "ipv4, ipv6, or all (the text of both families, each after a '# ipv4' / '# ipv6' line, as render prints it; one transaction).")
    var ipFamily: FamilyChoice = .ipv4

    @Option(name: .long, help: "Read this file instead of standard input ('-' = standard input).")
    var input: String = "-"

    @Flag(name: .customLong("dry-run"), help: "Show the change as a diff instead of committing it (exit 2 when changes are pending).")
    var dryRun = false

    @Option(name: .long, help: "auto (on a terminal), always or never.")
    var color: ColorChoice = .auto

    func run() throws {
        let text = try InputFiles.read(input)
        let name = input == "-" ? "<stdin>" : input
        let scripts: [RestoreScript]
        do {
            let parts = ipFamily == .all ? try FamilySections.split(text) : [(family: ipFamily.families[0], text: text)]
            scripts = try parts.map { part throws(ParseError) in try RestoreParser.parse(part.text, family: part.family) }
        } catch {
            throw CLIError("\(name): \(error)")
        }
        let outcomes: [ReconcileOutcome]
        do {
            let tables = Array(Set(scripts.flatMap { $0.tables.map(\.name) })).sorted { $0.rawValue < $1.rawValue }
            let engine = ReconcileEngine(backend: try NetlinkBackend(netns: netns), families: scripts.map(\.family), tables: tables)
            outcomes = try engine.restore(scripts, noflush: noflush, dryRun: dryRun)
        } catch {
            throw CLIError("restore: \(error)")
        }
        let plans = FamilyPlans(outcomes)
        if dryRun {
            print(plans.text(color: color.enabled), terminator: "")
            if plans.changes { throw ExitCode(2) }
        } else if outcomes.contains(where: \.applied) {
            print("restored: \(plans.summary) in one transaction")
        } else {
            print("restored: nothing to do (the live tables already match)")
        }
    }
}

/// `--ip-family` of `dump` and `restore`: one family, or both (`all`: each family's text after
/// a `# ipv4` / `# ipv6` line).
enum FamilyChoice: String, ExpressibleByArgument, CaseIterable {
    case ipv4, ipv6, all

    var families: [IPFamily] {
        switch self {
        case .ipv4: return [.ipv4]
        case .ipv6: return [.ipv6]
        case .all: return [.ipv4, .ipv6]
        }
    }
}
