import ClusterSource
import Foundation
import Reconciler
import Testing

/// `kpx-reconcile trace` in desired mode answers every packet flow of kube-proxy's own flow tests
/// with kube-proxy's expected output: the reachable endpoints, REJECT/DROP or nothing, and the
/// masquerade flag (issue 15).
@Suite struct TraceFlowTests {
    static let cases = ["flow-01-no-endpoints-reject", "flow-02-cluster-ip-general", "flow-03-load-balancer-source-ranges",
                        "flow-04-etp-local", "flow-05-etp-cluster"]

    /// kube-proxy's tracer output for a trace result.
    static func output(_ r: TraceResult) -> String {
        switch r.verdict {
        case .dnat: return r.endpoints.sorted().joined(separator: ", ")
        case .reject, .drop: return r.verdict.rawValue
        case .accept, .none: return ""
        }
    }

    @Test(arguments: cases)
    func everyFlowMatchesKubeProxy(caseDir: String) throws {
        let (state, _) = Fixtures.state(caseDir)
        let settings = Fixtures.fakeIPv4
        let tracer = KernelTracer(ruleset: DesiredState.compute(state, settings: settings), localAddresses: Set(settings.nodeIPs))
        for f in FlowCaseTests.flows(try Fixtures.text(caseDir + "/expected.flows.yaml")) {
            let r = tracer.trace(TracePacket(source: IPAddress(f.sourceIP)!, destination: IPAddress(f.destIP)!,
                                             destinationPort: f.destPort, proto: L4Protocol(rawValue: f.proto)!))
            #expect(r.cannotEvaluate == nil, "\(caseDir): \(f.name): \(r.cannotEvaluate ?? "")")
            #expect(Self.output(r) == f.output, "\(caseDir): \(f.name)")
            #expect(r.masquerade == f.masq, "\(caseDir): \(f.name) masq")
            if r.verdict == .dnat {
                #expect(abs(r.probabilities.values.reduce(0, +) - 1) < 1e-6, "\(caseDir): \(f.name) \(r.probabilities)")
            }
        }
    }
}
