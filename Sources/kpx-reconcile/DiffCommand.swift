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
        let (before, _) = try DesiredInput.load(files: from, proxy: proxy, strict: strict)
        let (after, _) = try DesiredInput.load(files: to, proxy: proxy, strict: strict)
        let observed = ObservedRuleset.numbering(before)
        let plan = Planner.plan(observed: observed, desired: after)
        if output == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(PlanDocument(plan, observed: observed)), as: UTF8.self))
        } else {
            let renderer = PlanRenderer(color: color.enabled)
            print(stat ? renderer.stat(plan, observed: observed) : renderer.render(plan, observed: observed), terminator: "")
        }
        if !plan.isEmpty { throw ExitCode(2) }
    }
}
