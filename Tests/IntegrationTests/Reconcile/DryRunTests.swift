import Foundation
import Testing
@testable import Reconciler

/// Issue 5: the `--dry-run` view snapshot-tested for a small cluster change, and the exit codes
/// (0 nothing to do, 2 changes pending with --dry-run, 1 error). Bad input changes nothing.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct DryRunTests {
    static let cluster = Repo.path("examples/cluster.yaml")
    static let replaced = Repo.path("examples/cluster-endpoint-replaced.yaml")
    static let golden = "dry-run/cluster-endpoint-replaced.diff"

    func converged() throws -> (NetworkNamespace, NodeFlags) {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        try Kpx.reconcileJSON(namespace, [Self.cluster], flags)
        return (namespace, flags)
    }

    /// Tests/Fixtures/dry-run/README.md says how the golden file was made and how to regenerate it
    /// (KPX_UPDATE_GOLDEN=1 rewrites it from the tool's output).
    @Test func dryRunOfEndpointReplacementMatchesGolden() throws {
        let (namespace, flags) = try converged()
        let before = try namespace.save()
        let result = try Kpx.reconcile(namespace, [Self.replaced], flags, ["--dry-run", "--color", "never"])
        #expect(result.status == 2, "changes pending: \(result.stderr)")
        if ProcessInfo.processInfo.environment["KPX_UPDATE_GOLDEN"] == "1" {
            try result.stdout.write(to: Fixtures.root.appendingPathComponent(Self.golden), atomically: true, encoding: .utf8)
        }
        #expect(result.stdout == (try Fixtures.text(Self.golden)), "\n\(result.stdout)")
        #expect(!result.stdout.contains("\u{1B}["), "--color never: no escape sequences")
        #expect(try namespace.save() == before, "--dry-run changed the tables")
    }

    @Test func exitCodes() throws {
        let (namespace, flags) = try converged()
        let inSync = try Kpx.reconcile(namespace, [Self.cluster], flags, ["--dry-run", "--color", "never"])
        #expect(inSync.status == 0, "nothing to do: \(inSync.stdout)\(inSync.stderr)")
        let applyInSync = try Kpx.reconcile(namespace, [Self.cluster], flags)
        #expect(applyInSync.status == 0 && applyInSync.stdout.hasPrefix("in sync: nothing to do"), "\(applyInSync.stdout)")
        let pending = try Kpx.reconcile(namespace, [Self.replaced], flags, ["--dry-run", "--output", "json"])
        #expect(pending.status == 2)
        let document = try JSONDecoder().decode(PlanDocument.self, from: Data(pending.stdout.utf8))
        #expect(document.changes && document.summary.chainsCreated == 1 && document.summary.chainsDeleted == 1)
        let applied = try Kpx.reconcile(namespace, [Self.replaced], flags)
        #expect(applied.status == 0 && applied.stdout.hasPrefix("applied "), "applying exits 0: \(applied.stdout)")
        let afterApply = try namespace.save()
        let missingNamespace = try Kpx.run(["--netns", "kpx-no-such-namespace", "--services", Self.cluster] + flags.argv)
        #expect(missingNamespace.status == 1, "\(missingNamespace.stderr)")
        let badFlag = try Kpx.run(["--netns", namespace.name, "--services", Self.cluster, "--node-ip", "not-an-ip"])
        #expect(badFlag.status == 1 && badFlag.stderr.contains("not-an-ip"), "\(badFlag.status) \(badFlag.stderr)")
        #expect(try namespace.save() == afterApply, "the failed runs changed nothing")
    }

    static let malformed = """
        apiVersion: v1
        kind: Service
        metadata: {name: broken
          namespace: [
        """

    /// Malformed YAML (alone, or next to a good file, with or without --dry-run) exits 1 with an
    /// error naming the file, and changes nothing.
    @Test(arguments: [false, true], [false, true])
    func malformedYAMLChangesNothing(withGoodFile: Bool, dryRun: Bool) throws {
        let (namespace, flags) = try converged()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-it-\(getpid())-\(namespace.name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("broken.yaml")
        try Self.malformed.write(to: bad, atomically: true, encoding: .utf8)
        let before = try namespace.save()
        let files = withGoodFile ? [Self.replaced, bad.path] : [bad.path]
        let result = try Kpx.reconcile(namespace, files, flags, dryRun ? ["--dry-run"] : [])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("broken.yaml") && result.stderr.contains("nothing changed"), "\(result.stderr)")
        #expect(try namespace.save() == before, "bad input changed the tables")
    }
}
