import ArgumentParser
import ClusterSource
import Foundation
import NetlinkBridge
import Reconciler

/// `kpx-reconcile [reconcile]`: brings the live tables to the rules kube-proxy would program for
/// the given Services and EndpointSlices, with one minimal atomic transaction.
struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Apply (or, with --dry-run, show) the minimal change from the live rules to kube-proxy's rules.",
        discussion: """
            Exit status: 0 in sync or applied; 2 changes pending (--dry-run); 3 applied (or, with --dry-run, \
            in sync) but invalid objects were skipped; 1 error, nothing changed (also: an invalid object with --strict).
            """)

    @OptionGroup var input: DesiredInput

    @Option(name: .long, help: "The network namespace to program (name under /var/run/netns or a path); default: current.")
    var netns: String?

    @Flag(name: .customLong("dry-run"), help: "Show the change as a diff; change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "With --dry-run: only the per-Service summary, no chain diff.")
    var stat = false

    @Flag(name: .long, help: "After applying, re-read the live tables and prove they equal the desired state.")
    var verify = false

    @Option(name: .long, help: "text or json.")
    var output: DumpOutput = .text

    @Option(name: .long, help: "auto (on a terminal), always or never.")
    var color: ColorChoice = .auto

    @Flag(name: .customLong("allow-legacy-tables"), help: "Program nf_tables even when iptables-legacy tables exist in the namespace.")
    var allowLegacyTables = false

    func run() throws {
        let (desired, skipped) = try input.load()
        try LegacyTablesCheck.refuse(netns: netns, allowed: allowLegacyTables)
        let backend = try NetlinkBackend(netns: netns)
        let engine = ReconcileEngine(backend: backend, family: desired.family)
        engine.keepsState = false  // one reconcile per process: no cache to refresh after the commit
        let started = ContinuousClock.now
        if !dryRun { try backend.ensureAccountingObjects(for: desired) }
        let outcome: ReconcileOutcome
        do { outcome = try engine.reconcile(desired, dryRun: dryRun) } catch { throw CLIError("reconcile: \(error)") }
        let elapsed = ContinuousClock.now - started
        try report(outcome, elapsed: elapsed)
        if outcome.applied { clearUDPFlows(toEndpointsRemovedBy: outcome, desired: desired, backend: backend) }
        if verify && !dryRun {
            do { _ = try engine.verify(desired) } catch { throw CLIError("\(error)") }
            print("verified: live tables equal the desired state")
        }
        if dryRun && !outcome.plan.isEmpty { throw ExitCode(2) }
        if skipped { throw exitSkippedObjects }
    }

    /// After a commit, deletes the conntrack entries of UDP flows to services whose endpoints
    /// changed and that an endpoint no longer answers (kube-proxy does the same; one rule with the
    /// agent's, `UDPServiceTargets`). The rules are already applied, so a failure here is a
    /// warning, not an error.
    private func clearUDPFlows(toEndpointsRemovedBy outcome: ReconcileOutcome, desired: Ruleset, backend: NetlinkBackend) {
        guard let live = outcome.observed else { return }
        let targets = UDPServiceTargets(desired)
        guard !targets.isEmpty, targets != UDPServiceTargets(live.ruleset) else { return }
        do {
            let deleted = try backend.deleteStaleUDPFlows(targets, family: desired.family)
            if output == .text && !deleted.isEmpty {
                let ends = Set(deleted.map { UDPServiceTargets.Address(ip: $0.reply.source, port: $0.reply.sourcePort).description })
                print("cleared \(deleted.count) conntrack entries of UDP flows to endpoints the rules no longer use (\(ends.sorted().joined(separator: ", ")))")
            }
        } catch {
            FileHandle.standardError.write(Data("kpx-reconcile: warning: conntrack cleanup of stale UDP flows failed: \(error)\n".utf8))
        }
    }

    private func report(_ outcome: ReconcileOutcome, elapsed: Duration) throws {
        if output == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(PlanDocument(outcome.plan, observed: outcome.observed)), as: UTF8.self))
            return
        }
        let renderer = PlanRenderer(color: color.enabled)
        if dryRun {
            let observed = outcome.observed ?? ObservedRuleset(ruleset: Ruleset(family: outcome.plan.family))
            print(stat ? renderer.stat(outcome.plan, observed: observed) : renderer.render(outcome.plan, observed: observed), terminator: "")
            return
        }
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        let what = outcome.applied ? "applied \(outcome.plan.summary) in one transaction" : "in sync: nothing to do"
        print(String(format: "%@ (%.1f ms%@)", what, ms, outcome.retries > 0 ? ", \(outcome.retries) retries after concurrent changes" : ""))
        for warning in outcome.plan.warnings { print("warning: \(warning)") }
    }
}

/// `--color`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    var enabled: Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto: return isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        }
    }
}
