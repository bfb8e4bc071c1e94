import ClusterSource
import Foundation
import Testing
@testable import Reconciler

/// The CLI tests need the built binary; say clearly where it was looked for.
@Suite struct KpxBinaryTests {
    @Test func binaryIsBuiltNextToTheTestBundle() throws {
        #expect(FileManager.default.isExecutableFile(atPath: KpxBinary.path),
                "no kpx-reconcile at \(KpxBinary.path): build with `swift build --build-tests` or set KPX_RECONCILE_BIN")
        let help = try Kpx.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("kpx-reconcile"))
    }
}

/// Paths inside the repository (examples, fixtures).
enum Repo {
    static let root = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

/// The built `kpx-reconcile` executable that the tests run.
///
/// Resolution order: `$KPX_RECONCILE_BIN`; then `kpx-reconcile` in the directory of the running
/// test bundle (`/proc/self/exe`), which is where SwiftPM puts the product for whatever scratch
/// path built the tests (`.build/debug` for `scripts/test.sh`, `.build-itests/debug` with
/// `--scratch-path .build-itests`); then `<repo>/.build/debug/kpx-reconcile` and
/// `<repo>/.build-itests/debug/kpx-reconcile` (`#filePath`-relative).
/// `swift build --build-tests` builds the executable too, so no extra build step is needed.
enum KpxBinary {
    static let path: String = {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["KPX_RECONCILE_BIN"], !explicit.isEmpty { return explicit }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("kpx-reconcile").path)
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("kpx-reconcile").path)
        candidates.append(Repo.path(".build/debug/kpx-reconcile"))
        candidates.append(Repo.path(".build-itests/debug/kpx-reconcile"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()
}

/// kube-proxy flags as passed to the CLI, and the same settings as a `ProxySettingsInput` so a
/// test can compute the desired state the CLI should converge to.
struct NodeFlags {
    var argv: [String]
    var input = ProxySettingsInput()

    /// Parses the flags the tests use (the subset in `examples/node.flags` plus a few more).
    init(_ argv: [String]) throws {
        self.argv = argv
        var words = argv[...]
        while let flag = words.popFirst() {
            guard let value = words.popFirst() else { throw FlagError(flag: flag) }
            switch flag {
            case "--hostname-override": input.hostnameOverride = value
            case "--node-ip": input.nodeIPs = (input.nodeIPs ?? []) + [value]
            case "--cluster-cidr": input.clusterCIDRs = (input.clusterCIDRs ?? []) + [value]
            case "--random-fully": input.randomFully = value == "true"
            case "--ip-family": input.ipFamily = value
            case "--nfacct": input.nfacct = value == "true"
            case "--masquerade-all": input.masqueradeAll = value == "true"
            case "--iptables-localhost-nodeports": input.localhostNodePorts = value == "true"
            default: throw FlagError(flag: flag)
            }
        }
    }

    struct FlagError: Error { var flag: String }

    /// `examples/node.flags`.
    static func example() throws -> NodeFlags {
        let text = try String(contentsOfFile: Repo.path("examples/node.flags"), encoding: .utf8)
        return try NodeFlags(text.split(whereSeparator: \.isWhitespace).map(String.init))
    }

    /// The settings `examples/kube-proxy-rules.iptables` was written with: kube-proxy's fake
    /// proxier, which has no `--random-fully` (node.flags leaves it at the default, true).
    static func exampleAsKubeProxyWroteIt() throws -> NodeFlags {
        try NodeFlags(try example().argv + ["--random-fully", "false"])
    }

    /// kube-proxy's NewFakeProxier ("default-ipv4" in Tests/Fixtures/kube-proxy-cases/README.md).
    static func fakeProxier() throws -> NodeFlags {
        try NodeFlags(["--hostname-override", "test-node", "--node-ip", "192.168.0.2", "--node-ip", "127.0.0.1",
                       "--node-ip", "192.168.1.2", "--node-ip", "192.168.99.11", "--cluster-cidr", "10.0.0.0/8",
                       "--random-fully", "false"])
    }

    /// The desired ruleset for these manifests under these settings (what the CLI must converge to).
    func desired(_ files: [String]) throws -> Ruleset {
        let loaded = ManifestLoader.load(files: files)
        let (state, _) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        return DesiredState.compute(state, settings: try input.resolve())
    }
}

/// Runs the built CLI.
enum Kpx {
    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil) throws -> CommandResult {
        try Shell.run([KpxBinary.path] + arguments, stdin: stdin)
    }

    /// `kpx-reconcile --netns NS --services FILES FLAGS EXTRA`.
    @discardableResult
    static func reconcile(_ namespace: NetworkNamespace, _ files: [String], _ flags: NodeFlags,
                          _ extra: [String] = []) throws -> CommandResult {
        try run(["--netns", namespace.name, "--services"] + files + flags.argv + extra)
    }

    /// Reconciles with `--output json` and returns the plan document (fails unless exit 0).
    @discardableResult
    static func reconcileJSON(_ namespace: NetworkNamespace, _ files: [String], _ flags: NodeFlags,
                              _ extra: [String] = []) throws -> PlanDocument {
        let result = try reconcile(namespace, files, flags, ["--output", "json"] + extra)
        guard result.status == 0 || (result.status == 2 && extra.contains("--dry-run")) else {
            throw ShellError(command: "kpx-reconcile --output json \(extra)", status: result.status, stderr: result.stderr)
        }
        return try JSONDecoder().decode(PlanDocument.self, from: Data(result.stdout.utf8))
    }
}
