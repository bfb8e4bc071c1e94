import ArgumentParser
import Foundation
import NetlinkBridge
import Reconciler

/// `kpx-reconcile restore`: loads iptables-restore text through netlink in one atomic transaction.
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

    @Flag(name: .long, help: "Print the planned transaction instead of committing it.")
    var dryRun = false

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
                var batch = try RestorePlanner.plan(script, current: current, noflush: noflush)
                if batch.generation == nil { batch.generation = try client.generation() }
                if dryRun { print(batch.description); return }
                do {
                    try client.commit(batch)
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
