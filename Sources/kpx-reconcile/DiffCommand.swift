import ArgumentParser
import Foundation
import Reconciler

/// `kpx-reconcile diff`: what a manifest change will do to a node's rules, without a kernel: the
/// same per-chain diff and summary as `--dry-run`, from the rules of `--from` to those of `--to`.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how the rules change from one set of manifests to another (no kernel needed).",
        discussion: "Exit status: 0 equal, 2 different, 1 error (a malformed file, or with --strict an invalid object).")

    @Option(name: .long, parsing: .upToNextOption, help: "The manifests as they are.") var from: [String]
    @Option(name: .long, parsing: .upToNextOption, help: "The manifests as they will be.") var to: [String]
    @OptionGroup var proxy: ProxySettingsOptions
    @Flag(name: .customLong("strict"), help: "Treat an invalid object as an error.") var strict = false
    @Option(name: .long, help: "text or json.") var output: DumpOutput = .text
    @Flag(name: .long, help: "Only the per-Service summary, no chain diff.") var stat = false
    @Option(name: .long, help: "auto (on a terminal), always or never.") var color: ColorChoice = .auto

    func run() throws {
        let before = try DesiredInput.load(files: from, proxy: proxy, strict: strict)
        let after = try DesiredInput.load(files: to, proxy: proxy, strict: strict)
        let plans = FamilyPlans(zip(before.rulesets, after.rulesets).map { old, new in
            let observed = ObservedRuleset.numbering(old)
            return (plan: Planner.plan(observed: observed, desired: new), observed: observed)
        })
        print(output == .json ? try plans.json() : plans.text(color: color.enabled, stat: stat), terminator: output == .json ? "\n" : "")
        if plans.changes { throw ExitCode(2) }
    }
}
