import ArgumentParser
import ClusterSource
import Foundation
import Reconciler

/// `kpx-reconcile render`: prints the desired ruleset as the iptables-restore input kube-proxy
/// writes for a full sync. Problems with input objects go to stderr; invalid objects are skipped.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the ruleset kube-proxy (iptables mode) would program, as iptables-restore text.")

    @OptionGroup var input: DesiredInput

    func run() throws {
        let (ruleset, skipped) = try input.load()
        print(KubeProxyTextWriter().render(ruleset), terminator: "")
        if skipped { throw exitSkippedObjects }
    }
}
