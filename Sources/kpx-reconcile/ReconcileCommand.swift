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
        let desired = try input.load()
        try LegacyTablesCheck.refuse(netns: netns, allowed: allowLegacyTables)
        let backend = try NetlinkBackend(netns: netns)
        // Every family the node proxies, planned apart and committed as ONE transaction.
        let engine = ReconcileEngine(backend: backend, families: desired.families)
        engine.keepsState = false  // one reconcile per process: no cache to refresh after the commit
        let started = ContinuousClock.now
        if !dryRun { for ruleset in desired.rulesets { try backend.ensureAccountingObjects(for: ruleset) } }
        let outcomes: [ReconcileOutcome]
        do { outcomes = try engine.reconcile(desired.rulesets, dryRun: dryRun) } catch { throw CLIError("reconcile: \(error)") }
        let elapsed = ContinuousClock.now - started
        try report(outcomes, elapsed: elapsed)
        for (outcome, ruleset) in zip(outcomes, desired.rulesets) where outcome.applied {
            clearUDPFlows(toEndpointsRemovedBy: outcome, desired: ruleset, backend: backend)
        }
        if verify && !dryRun {
            do { _ = try engine.verify(desired.rulesets) } catch { throw CLIError("\(error)") }
            print("verified: live tables equal the desired state")
        }
        if dryRun && outcomes.contains(where: { !$0.plan.isEmpty }) { throw ExitCode(2) }
        if desired.skipped { throw exitSkippedObjects }
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

    /// One family: as always. Several: JSON keyed by family; text one block per family, each
    /// summary labelled with its family.
    private func report(_ outcomes: [ReconcileOutcome], elapsed: Duration) throws {
        let plans = FamilyPlans(outcomes), dual = plans.labelled
        if output == .json { return print(try plans.json()) }
        if dryRun { return print(plans.text(color: color.enabled, stat: stat), terminator: "") }
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        let what = outcomes.contains(where: \.applied) ? "applied \(plans.summary) in one transaction" : "in sync: nothing to do"
        let retries = outcomes[0].retries
        print(String(format: "%@ (%.1f ms%@)", what, ms, retries > 0 ? ", \(retries) retries after concurrent changes" : ""))
        for outcome in outcomes {
            for warning in outcome.plan.warnings { print("warning: \(dual ? "\(outcome.plan.family.rawValue): " : "")\(warning)") }
        }
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
