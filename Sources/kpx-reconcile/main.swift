import ArgumentParser

/// kpx-reconcile: programs kube-proxy's iptables rules with minimal netlink transactions.
struct KpxReconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpx-reconcile",
        abstract: "Reconcile a node's Kubernetes Service rules (kube-proxy iptables mode) over netlink.",
        version: versionLine,
        subcommands: [ReconcileCommand.self, DumpCommand.self, RestoreCommand.self, RenderCommand.self, AgentCommand.self,
                      TraceCommand.self, DiffCommand.self],
        defaultSubcommand: ReconcileCommand.self)
}

KpxReconcile.main(KubeFlagSyntax.normalize(Array(CommandLine.arguments.dropFirst())))
