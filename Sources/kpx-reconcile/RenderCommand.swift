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

    @Option(name: .customLong("services"), parsing: .upToNextOption,
            help: "Manifest files: kubectl get svc,endpointslices -A -o yaml|json, multi-document YAML or single objects.")
    var services: [String]

    @OptionGroup var proxy: ProxySettingsOptions

    @Flag(name: .customLong("strict"), help: "Exit non-zero when any input object has an error.")
    var strict = false

    func run() throws {
        let settings = try proxy.settings()
        let loaded = ManifestLoader.load(files: services)
        let (state, issues) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        let all = loaded.issues + issues
        for issue in all { FileHandle.standardError.write(Data("kpx-reconcile: \(issue)\n".utf8)) }
        let ruleset = DesiredState.compute(state, settings: settings)
        print(KubeProxyTextWriter().render(ruleset), terminator: "")
        if strict && all.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
    }
}
