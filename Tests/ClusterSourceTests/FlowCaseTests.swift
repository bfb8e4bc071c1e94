import ClusterSource
import Foundation
import Reconciler
import Testing

/// The flow cases kube-proxy asserts with its packet tracer (runPacketFlowTests).
@Suite struct FlowCaseTests {
    struct Flow {
        var name = "", sourceIP = "", proto = "", destIP = "", destPort = 0, output = "", masq = false
    }

    /// Reads the simple `flows:` list of `expected.flows.yaml`.
    static func flows(_ text: String) -> [Flow] {
        var out: [Flow] = []
        for raw in text.split(separator: "\n") where !raw.hasPrefix("#") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("- ") { out.append(Flow()); line.removeFirst(2) }
            guard let colon = line.firstIndex(of: ":"), !out.isEmpty else { continue }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            switch key {
            case "name": out[out.count - 1].name = value
            case "sourceIP": out[out.count - 1].sourceIP = value
            case "protocol": out[out.count - 1].proto = value
            case "destIP": out[out.count - 1].destIP = value
            case "destPort": out[out.count - 1].destPort = Int(value) ?? -1
            case "output": out[out.count - 1].output = value
            case "masq": out[out.count - 1].masq = value == "true"
            default: break
            }
        }
        return out
    }

    @Test(arguments: ["flow-01-no-endpoints-reject", "flow-02-cluster-ip-general", "flow-03-load-balancer-source-ranges",
                      "flow-04-etp-local", "flow-05-etp-cluster"])
    func packetFlows(caseDir: String) throws {
        let (state, issues) = Fixtures.state(caseDir)
        #expect(issues.isEmpty, "\(issues)")
        let settings = Fixtures.fakeIPv4
        let ruleset = DesiredState.compute(state, settings: settings)
        let tracer = PacketTracer(ruleset: ruleset, localAddresses: Set(settings.nodeIPs))
        let flows = Self.flows(try Fixtures.text(caseDir + "/expected.flows.yaml"))
        #expect(!flows.isEmpty)
        for f in flows {
            let packet = PacketTracer.Packet(source: IPAddress(f.sourceIP)!, proto: L4Protocol(rawValue: f.proto)!,
                                             destination: IPAddress(f.destIP)!, destinationPort: f.destPort)
            let r = try tracer.trace(packet)
            #expect(r.output == f.output, "\(caseDir): \(f.name)")
            #expect(r.masquerade == f.masq, "\(caseDir): \(f.name) masq")
        }
    }

    @Test func tracerRefusesRulesItDoesNotUnderstand() throws {
        var rs = DesiredState.compute(Fixtures.state("flow-02-cluster-ip-general").0, settings: Fixtures.fakeIPv4)
        var nat = rs[table: .nat]!
        var services = nat[chain: "KUBE-SERVICES"]!
        services.rules.insert(Rule(matches: [.unknown(UnknownExtension(name: "owner", options: "--uid-owner 0"))],
                                   target: .accept), at: 0)
        nat[chain: "KUBE-SERVICES"] = services
        rs[table: .nat] = nat
        let tracer = PacketTracer(ruleset: rs, localAddresses: [])
        #expect(throws: PacketTracer.TraceError.self) {
            try tracer.trace(.init(source: IPAddress("10.0.0.2")!, proto: .tcp,
                                   destination: IPAddress("172.30.0.41")!, destinationPort: 80))
        }
    }
}
