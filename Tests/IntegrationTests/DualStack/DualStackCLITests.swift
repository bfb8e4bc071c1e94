import Foundation
import Testing
@testable import Reconciler

/// Issue 14 through the CLI: a dual-stack node (node IPs of both families, no `--ip-family`)
/// gets both families' rules from one run, as ONE nf_tables generation, equal to what two
/// single-family runs program; a second run does nothing; render, dry-run, dump and restore
/// show both families, labelled.
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct DualStackCLITests {
    static let cluster = Fixtures.root.appendingPathComponent("clusters/dual-stack.yaml").path
    static let flags = ["--hostname-override", "node-a", "--node-ip", "192.168.0.2", "--node-ip", "2001:db8::2",
                        "--cluster-cidr", "10.244.0.0/16,fd00:10::/64"]

    func kpx(_ arguments: [String]) throws -> CommandResult { try Kpx.run(arguments + ["--services", Self.cluster] + Self.flags) }

    @Test func renderWithoutIPFamilyPrintsEachFamilyUnderItsHeader() throws {
        let both = try kpx(["render"]), v4 = try kpx(["render", "--ip-family", "ipv4"]), v6 = try kpx(["render", "--ip-family", "ipv6"])
        #expect(both.status == 0 && v4.status == 0 && v6.status == 0, "\(both.stderr)\(v4.stderr)\(v6.stderr)")
        #expect(both.stdout == "# ipv4\n" + v4.stdout + "# ipv6\n" + v6.stdout)
        #expect(v6.stdout.contains("-d fd00:30::10 ") && !v6.stdout.contains("10.96.0.10"))
        #expect(v4.stdout.contains("-d 10.96.0.10 ") && !v4.stdout.contains("fd00:30::10"))
    }

    @Test func oneRunProgramsBothFamiliesInOneGenerationAsTwoSingleFamilyRunsWould() throws {
        let dual = try NetworkNamespace(), single = try NetworkNamespace()
        let monitor = try NftMonitor(dual)
        let run = try kpx(["--netns", dual.name, "--verify"])
        #expect(run.status == 0 && run.stdout.contains("ipv4: +") && run.stdout.contains("ipv6: +") && run.stdout.contains("verified"),
                "\(run.stdout)\(run.stderr)")
        let generations = try monitor.stop().filter { $0.contains("new generation") && $0.contains("kpx-reconcile") }
        #expect(generations.count == 1, "\(generations)")

        for family in ["ipv4", "ipv6"] {
            let one = try kpx(["--netns", single.name, "--ip-family", family])
            #expect(one.status == 0, "\(one.stderr)")
        }
        for family in ["ipv4", "ipv6"] {
            #expect(Self.withoutComments(try dual.save(family)) == Self.withoutComments(try single.save(family)), "\(family)")
        }
        let again = try kpx(["--netns", dual.name])
        #expect(again.status == 0 && again.stdout.hasPrefix("in sync"), "\(again.stdout)")
        let dry = try kpx(["--netns", dual.name, "--dry-run"])
        #expect(dry.status == 0 && dry.stdout == "ipv4: nothing to do\nipv6: nothing to do\n", "\(dry.stdout)")
    }

    @Test func dryRunLabelsEachFamilysChanges() throws {
        let ns = try NetworkNamespace()
        let dry = try kpx(["--netns", ns.name, "--dry-run", "--color", "never"])
        #expect(dry.status == 2, "\(dry.stderr)")
        #expect(dry.stdout.contains("--- nat KUBE-SERVICES") && dry.stdout.contains("--- ip6 nat KUBE-SERVICES"))
        #expect(dry.stdout.contains("\nipv4: +") && dry.stdout.contains("\nipv6: +"))
        let json = try kpx(["--netns", ns.name, "--dry-run", "--output", "json"])
        let documents = try JSONDecoder().decode([String: PlanDocument].self, from: Data(json.stdout.utf8))
        #expect(Set(documents.keys) == ["ipv4", "ipv6"] && documents.values.allSatisfy { !$0.operations.isEmpty })
        #expect(try ns.save("ipv4").contains("KUBE-SERVICES") == false, "a dry run changed the tables")
    }

    @Test func diffComparesEachFamily() throws {
        let same = try Kpx.run(["diff", "--from", Self.cluster, "--to", Self.cluster, "--color", "never"] + Self.flags)
        #expect(same.status == 0 && same.stdout == "ipv4: nothing to do\nipv6: nothing to do\n", "\(same.stdout)\(same.stderr)")
        let other = Fixtures.root.appendingPathComponent("clusters/ipv6-nodeport.yaml").path
        let changed = try Kpx.run(["diff", "--from", Self.cluster, "--to", other, "--color", "never"] + Self.flags)
        #expect(changed.status == 2 && changed.stdout.contains("--- nat KUBE-SERVICES") && changed.stdout.contains("--- ip6 nat KUBE-SERVICES"),
                "\(changed.stdout)")
        #expect(changed.stdout.contains("\nipv4: ") && changed.stdout.contains("\nipv6: "))
    }

    @Test func dumpAndRestoreHandleBothFamilies() throws {
        let source = try NetworkNamespace(), copy = try NetworkNamespace()
        #expect(try kpx(["--netns", source.name, "--nfacct", "false"]).status == 0)
        let dump = try Kpx.run(["dump", "--netns", source.name, "--ip-family", "all"])
        #expect(dump.status == 0 && dump.stdout.hasPrefix("# ipv4\n") && dump.stdout.contains("\n# ipv6\n"), "\(dump.stderr)")
        let monitor = try NftMonitor(copy)
        let restore = try Kpx.run(["restore", "--netns", copy.name, "--ip-family", "all"], stdin: dump.stdout)
        #expect(restore.status == 0 && restore.stdout.contains("ipv4: +") && restore.stdout.contains("ipv6: +"), "\(restore.stdout)\(restore.stderr)")
        #expect(try monitor.stop().filter { $0.contains("new generation") && $0.contains("kpx-reconcile") }.count == 1)
        for family in ["ipv4", "ipv6"] {
            #expect(Self.withoutComments(try source.save(family)) == Self.withoutComments(try copy.save(family)), "\(family)")
        }
        let again = try Kpx.run(["restore", "--netns", copy.name, "--ip-family", "all", "--dry-run"], stdin: dump.stdout)
        #expect(again.status == 0 && again.stdout == "ipv4: nothing to do\nipv6: nothing to do\n", "\(again.stdout)")
        let unlabelled = try Kpx.run(["restore", "--netns", copy.name, "--ip-family", "all"], stdin: "*nat\nCOMMIT\n")
        #expect(unlabelled.status == 1 && unlabelled.stderr.contains("'# ipv4' or '# ipv6'"), "\(unlabelled.stderr)")
    }

    @Test func cleanupRemovesBothFamilies() throws {
        let ns = try NetworkNamespace()
        #expect(try kpx(["--netns", ns.name]).status == 0)
        let cleanup = try Kpx.run(["agent", "--cleanup", "--netns", ns.name])
        #expect(cleanup.status == 0, "\(cleanup.stdout)\(cleanup.stderr)")
        #expect(cleanup.stdout.contains("cleanup ipv4: removed") && cleanup.stdout.contains("cleanup ipv6: removed"))
        for family in ["ipv4", "ipv6"] {
            // KUBE-FIREWALL is the kubelet's: kube-proxy's cleanup leaves it too.
            let left = try ns.save(family).split(separator: "\n").filter { $0.contains("KUBE-") && !$0.contains("KUBE-FIREWALL") }
            #expect(left.isEmpty, "\(family) still has: \(left)")
        }
    }

    static func withoutComments(_ save: String) -> String {
        save.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }
}

/// `nft monitor` running in a namespace, collecting its lines until `stop()`.
final class NftMonitor {
    private let process = Process()
    private let output = Pipe()

    init(_ namespace: NetworkNamespace) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", namespace.name, "nft", "monitor"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Subscribed before the caller commits: nft prints nothing until an event, so give it a moment.
        usleep(300_000)
    }

    /// Stops the monitor and returns what it printed.
    func stop() throws -> [String] {
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
