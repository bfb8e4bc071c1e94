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

    @Flag(name: .customLong("strict"), help: "Treat an invalid object as an error: exit 1 and change nothing.")
    var strict = false

    /// The desired ruleset computed from the valid objects, and whether any object was invalid and
    /// skipped. Every problem is printed to stderr, naming file, document, object and field. A
    /// file that cannot be read or parsed, or (with `--strict`) an invalid object, is an error:
    /// nothing may change, so a broken file never looks like "no services".
    func load() throws -> (ruleset: Ruleset, skipped: Bool) {
        try Self.load(files: services, proxy: proxy, strict: strict)
    }

    /// `load()` for any list of files under these settings (also `trace` and `diff`).
    static func load(files: [String], proxy: ProxySettingsOptions, strict: Bool) throws -> (ruleset: Ruleset, skipped: Bool) {
        // An invalid setting is bad input (exit 1, as documented), not a usage error (64).
        let settings: ProxySettings
        do { settings = try proxy.settings() } catch let error as ValidationError { throw CLIError(error.message) }
        let loaded = ManifestLoader.load(files: files)
        let (state, issues) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        let all = loaded.issues + issues
        for issue in all { FileHandle.standardError.write(Data("kpx-reconcile: \(issue)\n".utf8)) }
        if all.contains(where: { $0.severity == .error && $0.object.kind == ManifestLoader.fileKind }) {
            throw CLIError("input has errors (see above); nothing changed")
        }
        let skipped = all.contains { $0.severity == .error }
        if strict && skipped { throw CLIError("invalid objects (see above) and --strict; nothing changed") }
        return (DesiredState.compute(state, settings: settings), skipped)
    }
}

/// Exit status 3: the valid objects were applied (or rendered, or are in sync) but some invalid
/// objects were skipped.
let exitSkippedObjects = ExitCode(3)
