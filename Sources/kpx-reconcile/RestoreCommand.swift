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

    @Option(name: .customLong("ip-family"), help: "ipv4 or ipv6.")
    var ipFamily: IPFamily = .ipv4

    @Option(name: .long, help: "Read this file instead of standard input ('-' = standard input).")
    var input: String = "-"

    @Flag(name: .customLong("dry-run"), help: "Show the change as a diff instead of committing it (exit 2 when changes are pending).")
    var dryRun = false

    @Option(name: .long, help: "auto (on a terminal), always or never.")
    var color: ColorChoice = .auto

    func run() throws {
        let text = try InputFiles.read(input)
        let script: RestoreScript
        do { script = try RestoreParser.parse(text, family: ipFamily) } catch {
            throw CLIError("\(input == "-" ? "<stdin>" : input): \(error)")
        }
        let outcome: ReconcileOutcome
        do {
            let engine = ReconcileEngine(backend: try NetlinkBackend(netns: netns), family: ipFamily,
                                         tables: script.tables.map(\.name))
            outcome = try engine.restore(script, noflush: noflush, dryRun: dryRun)
        } catch {
            throw CLIError("restore: \(error)")
        }
        if dryRun {
            print(PlanRenderer(color: color.enabled).render(outcome.plan, observed: outcome.observed ?? ObservedRuleset(ruleset: Ruleset(family: ipFamily))), terminator: "")
            if !outcome.plan.isEmpty { throw ExitCode(2) }
        } else if outcome.applied {
            print("restored: \(outcome.plan.summary) in one transaction")
        } else {
            print("restored: nothing to do (the live tables already match)")
        }
    }
}
