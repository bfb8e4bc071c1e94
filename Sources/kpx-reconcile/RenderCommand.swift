import ArgumentParser
import ClusterSource
import Foundation
import Reconciler

/// `kpx-reconcile render`: prints the desired ruleset as the iptables-restore input kube-proxy
/// writes for a full sync (kube-proxy's text is per family: on a dual-stack node each family's
/// follows a `# ipv4` / `# ipv6` line). Problems with input objects go to stderr; invalid objects
/// are skipped.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the ruleset kube-proxy (iptables mode) would program, as iptables-restore text.")

    @OptionGroup var input: DesiredInput

    func run() throws {
        let desired = try input.load()
        for ruleset in desired.rulesets {
            if desired.isDualStack { print("# \(ruleset.family.rawValue)") }
            print(KubeProxyTextWriter().render(ruleset), terminator: "")
        }
        if desired.skipped { throw exitSkippedObjects }
    }
}
