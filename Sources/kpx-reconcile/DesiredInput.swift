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

    /// The desired rulesets (one per family the node proxies, IPv4 first) computed from the valid
    /// objects, and whether any object was invalid and skipped. Every problem is printed to
    /// stderr, naming file, document, object and field. A file that cannot be read or parsed, or
    /// (with `--strict`) an invalid object, is an error: nothing may change, so a broken file
    /// never looks like "no services".
    func load() throws -> DesiredRulesets {
        try Self.load(files: services, proxy: proxy, strict: strict)
    }

    /// `load()` for any list of files under these settings (also `trace` and `diff`).
    static func load(files: [String], proxy: ProxySettingsOptions, strict: Bool) throws -> DesiredRulesets {
        // An invalid setting is bad input (exit 1, as documented), not a usage error (64).
        let node: NodeFamilies
        do { node = try proxy.families() } catch let error as ValidationError { throw CLIError(error.message) }
        for warning in node.warnings { FileHandle.standardError.write(Data("kpx-reconcile: warning: \(warning)\n".utf8)) }
        let loaded = ManifestLoader.load(files: files)
        let (state, issues) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        let all = loaded.issues + issues
        for issue in all { FileHandle.standardError.write(Data("kpx-reconcile: \(issue)\n".utf8)) }
        if all.contains(where: { $0.severity == .error && $0.object.kind == ManifestLoader.fileKind }) {
            throw CLIError("input has errors (see above); nothing changed")
        }
        let skipped = all.contains { $0.severity == .error }
        if strict && skipped { throw CLIError("invalid objects (see above) and --strict; nothing changed") }
        return DesiredRulesets(rulesets: node.settings.map { DesiredState.compute(state, settings: $0) }, skipped: skipped)
    }
}

/// What the input asks for: a ruleset per family the node proxies (IPv4 first; one unless the
/// node is dual-stack), and whether invalid objects were skipped.
struct DesiredRulesets {
    var rulesets: [Ruleset]
    var skipped: Bool

    var families: [IPFamily] { rulesets.map(\.family) }
    var isDualStack: Bool { rulesets.count > 1 }
    /// The only (or the first) family's ruleset.
    var first: Ruleset { rulesets[0] }
}

/// Exit status 3: the valid objects were applied (or rendered, or are in sync) but some invalid
/// objects were skipped.
let exitSkippedObjects = ExitCode(3)
