import ArgumentParser
import ClusterSource
import Foundation
import Reconciler

/// `--services FILE...` plus kube-proxy's settings: what the desired ruleset is computed from.
struct DesiredInput: ParsableArguments {
    @Option(name: .customLong("services"), parsing: .upToNextOption,
            help: "Manifest files: kubectl get svc,endpointslices -A -o yaml|json, multi-document YAML or single objects.")
    var services: [String]

    @OptionGroup var proxy: ProxySettingsOptions

    /// The desired ruleset and every input problem (each also printed to stderr). Invalid
    /// objects are skipped as kube-proxy skips them.
    func load() throws -> (ruleset: Ruleset, fileErrors: Bool, objectErrors: Bool) {
        // An invalid setting is bad input (exit 1, as documented), not a usage error (64).
        let settings: ProxySettings
        do { settings = try proxy.settings() } catch let error as ValidationError { throw CLIError(error.message) }
        let loaded = ManifestLoader.load(files: services)
        let (state, issues) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        for issue in loaded.issues + issues { FileHandle.standardError.write(Data("kpx-reconcile: \(issue)\n".utf8)) }
        return (DesiredState.compute(state, settings: settings),
                loaded.issues.contains { $0.severity == .error },
                issues.contains { $0.severity == .error })
    }

    /// The desired ruleset; fails (changing nothing) when a file cannot be read or parsed, so a
    /// broken file never looks like "no services".
    func ruleset() throws -> Ruleset {
        let (ruleset, fileErrors, _) = try load()
        if fileErrors { throw CLIError("input has errors (see above); nothing changed") }
        return ruleset
    }
}
