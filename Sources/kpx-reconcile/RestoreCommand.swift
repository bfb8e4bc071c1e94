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

    /// How often a transaction is replanned when the ruleset changed underneath (ERESTART).
    static let attempts = 3

    func run() throws {
        let text = try InputFiles.read(input)
        let script: RestoreScript
        do { script = try RestoreParser.parse(text, family: ipFamily) } catch {
            throw CLIError("\(input == "-" ? "<stdin>" : input): \(error)")
        }
        let family = NftFamily(ipFamily)
        do {
            let client = try NftClient(netns: netns)
            for attempt in 1...Self.attempts {
                let names = script.tables.map(\.name)
                let current = try TableReader.read(client, family: family, only: names)
                var (plan, observed) = try RestorePlanner.minimalPlan(script, current: current, noflush: noflush)
                if dryRun {
                    print(PlanRenderer(color: color.enabled).render(plan, observed: observed), terminator: "")
                    if !plan.isEmpty { throw ExitCode(2) }
                    return
                }
                if plan.isEmpty {
                    print("restored: nothing to do (the live tables already match)")
                    return
                }
                if plan.generation == nil { plan.generation = try client.generation() }
                do {
                    try client.commit(try PlanTranslator.batch(plan))
                    print("restored: \(plan.summary) in one transaction")
                    return
                } catch NftError.generationChanged where attempt < Self.attempts {
                    continue
                }
            }
        } catch let error as NftError {
            throw CLIError("restore: \(error)")
        } catch let error as NetlinkError {
            throw CLIError("restore: \(error)")
        } catch let error as RestorePlanner.Failure {
            throw CLIError("restore: \(error)")
        }
    }
}
