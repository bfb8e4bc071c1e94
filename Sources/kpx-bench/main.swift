import ArgumentParser
import Foundation

/// End-to-end benchmarks of kpx-reconcile against kube-proxy's iptables-restore, in throwaway
/// network namespaces. Needs root.
struct KpxBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpx-bench",
        abstract: "End-to-end benchmarks: kube-proxy's iptables-restore vs kpx-reconcile, in throwaway network namespaces.",
        subcommands: [RunCommand.self, GenerateCommand.self, AgentCommand.self, ReportCommand.self, TrackerCommand.self, DecodeCommand.self],
        defaultSubcommand: RunCommand.self)
}

KpxBench.main()
