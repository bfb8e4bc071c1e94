import Foundation
import Testing
@testable import Reconciler

/// Seeded generators of hostile Kubernetes objects: names, addresses and numbers drawn from valid
/// values, values the API server refuses and values that would break a rule.
struct HostileObjects {
    var random: SeededRandom

    static let nameParts = ["web", "a", "x-1", "Web", "wé", "a\0b", "x\" -j ACCEPT #", "-", "1", ".", "_", " ", "\n", "é", "%",
                            String(repeating: "a", count: 40), String(repeating: "b", count: 70)]
    static let addresses = ["10.180.0.1", "010.180.000.002", "::ffff:10.180.0.3", "10.180.0.4 ", "10.180.0.300", "fd00::5",
                            "FD00::6", "127.0.0.1", "169.254.1.1", "0.0.0.0", "", "10.180.0.7/32", "1.2.3", "10.180.0.8"]
    static let ports = [80, 443, 0, -1, 65535, 65536, 70000, 8080, Int.max]

    mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    mutating func name() -> String { (0..<(1 + Int(random.next() % 3))).map { _ in pick(Self.nameParts) }.joined() }

    /// `valid` nine times in ten, otherwise a draw from `hostile`.
    mutating func mostly<T>(_ valid: T, _ hostile: [T]) -> T { chance(90) ? valid : pick(hostile) }

    mutating func service(_ i: Int) -> Service {
        let ns = mostly("ns\(i % 3)", [name()])
        let svcName = mostly("svc\(i)", [name()])
        let type = mostly(pick(["ClusterIP", "NodePort", "LoadBalancer"]), ["Bogus", "ExternalName"])
        let ports = (0..<(1 + Int(random.next() % 2))).map { n in
            Service.Port(name: mostly("p\(n)", [name()]), protocol: mostly(pick(["TCP", "UDP", "SCTP"]), ["ICMP", "tcp"]),
                         port: mostly(80 + n, Self.ports),
                         nodePort: type == "ClusterIP" ? mostly(nil, [30001]) : mostly(30001 + 2 * i + n, [0, 99999]))
        }
        var spec = Service.Spec(type: type, clusterIP: mostly("172.30.\(i / 250).\(i % 250 + 1)", Self.addresses), ports: ports)
        if chance(30) { spec.externalIPs = [mostly("192.168.99.\(i % 250 + 1)", Self.addresses)] }
        if chance(20) { spec.loadBalancerSourceRanges = [mostly("10.0.0.0/8", [" 10.1.0.0/16", "10.0.0.0/33", "1.2.3.4", "010.2.0.0/16"])] }
        if chance(20) { spec.externalTrafficPolicy = mostly(pick(["Local", "Cluster"]), ["Nope"]) }
        let status = chance(20) ? Service.Status(loadBalancer: .init(ingress: [.init(ip: mostly("5.6.7.\(i % 250 + 1)", Self.addresses))])) : nil
        return Service(metadata: ObjectMeta(name: svcName, namespace: ns, labels: chance(10) ? [name(): name()] : nil),
                       spec: spec, status: status)
    }

    mutating func slice(for service: Service, _ i: Int) -> EndpointSlice {
        let eps = (0..<Int(random.next() % 4)).map { n in
            EndpointSlice.Endpoint(addresses: [mostly("10.180.\(i / 60).\(i % 60 * 4 + n + 1)", Self.addresses)],
                                   conditions: .init(ready: chance(80), serving: true, terminating: chance(10)),
                                   nodeName: chance(50) ? mostly(pick(["node-1", "node-2"]), ["Node_3"]) : nil)
        }
        let ports = (service.spec.ports ?? []).map { EndpointSlice.Port(name: $0.name, protocol: $0.protocol, port: mostly(8080, Self.ports)) }
        return EndpointSlice(metadata: ObjectMeta(name: mostly("s\(i)-1", [name()]), namespace: service.metadata.namespace,
                                                  labels: [EndpointSlice.serviceNameLabel: service.metadata.name ?? ""]),
                             addressType: mostly("IPv4", ["IPv6", "FQDN", "IPX"]), endpoints: eps, ports: ports)
    }
}

/// Laws over hostile objects: validation never crashes; whatever is accepted yields rules the
/// kernel stores exactly as written (representable); the planner's laws hold for them.
@Suite struct HostileGeneratorTests {
    static let settings: ProxySettings = {
        var input = ProxySettingsInput()
        input.hostnameOverride = "node-1"
        input.nodeIPs = ["192.168.0.2"]
        input.clusterCIDRs = ["10.0.0.0/8"]
        return try! input.resolve()
    }()

    /// What the kernel keeps of a rule's text: xt comments hold 255 bytes and stop at NUL; chain
    /// names hold 28 (29 with NUL) bytes; a comment must be printable for iptables-save to
    /// give it back as written.
    static func unrepresentable(_ ruleset: Ruleset) -> [String] {
        var problems: [String] = []
        for table in ruleset.tables {
            for chain in table.chains {
                if chain.name.utf8.count > 28 { problems.append("chain name \(chain.name)") }
                for rule in chain.rules {
                    guard let c = rule.comment else { continue }
                    if c.utf8.count > 255 || c.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
                        problems.append("comment \(KubeIssue.quoted(c))")
                    }
                }
            }
        }
        return problems
    }

    /// The rule lines of iptables-save text, in order.
    static func rules(_ text: String) -> [Substring] { text.split(separator: "\n").filter { $0.hasPrefix("-A ") } }

    @Test(arguments: Array(UInt64(1)...40))
    func acceptedInputIsRepresentableAndConverges(seed: UInt64) throws {
        var gen = HostileObjects(random: SeededRandom(seed: seed))
        let services = (0..<40).map { gen.service($0) }
        let slices = services.enumerated().map { gen.slice(for: $1, $0) }
        let (state, issues) = ClusterState.validating(services: services, slices: slices)
        #expect(issues.allSatisfy { !$0.field.isEmpty || $0.severity == .warning })
        // Not vacuous: both accepted and refused objects in every draw.
        #expect(state.services.count >= 5 && issues.contains { $0.severity == .error }, "\(state.services.count) accepted")
        let desired = DesiredState.compute(state, settings: Self.settings)
        #expect(Self.unrepresentable(desired).isEmpty, "\(Self.unrepresentable(desired).prefix(3))")
        // Canonical text: what iptables-save would print parses back to the same rules.
        // (The parser adds a table's empty built-in chains, so rules are compared, not declarations.)
        let text = SaveRenderer.render(desired)
        let back = SaveRenderer.render(try RestoreParser.ruleset(text))
        #expect(Self.rules(back) == Self.rules(text))
        // The planner's laws, from an empty node and from the in-sync state.
        _ = try PlannerPropertyTests().converge(Ruleset(family: .ipv4), desired)
        #expect(Planner.plan(observed: .numbering(desired), desired: desired).isEmpty)
    }
}

/// Random mutations of real iptables-save text: either a parse error with its line and column,
/// or text that round-trips (parse, render, parse gives the same rules); never a crash.
@Suite struct RestoreTextMutationTests {
    static let inputs = ["examples/kube-proxy-rules.iptables", "Tests/Fixtures/real-dumps/07-calico-fv-kube-docker-2019.iptables"]
    static let inserts: [Character] = ["\"", "\\", " ", "-", "!", "\0", "\n", "é", "'", "#", ":", "*", "[", "/", "0", "x"]

    @Test(arguments: Array(UInt64(1)...60))
    func mutatedTextFailsCleanlyOrRoundTrips(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let path = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(Self.inputs[Int(seed) % Self.inputs.count]).path
        var chars = Array(try String(contentsOfFile: path, encoding: .utf8))
        for _ in 0..<(1 + random.next() % 4) {
            let at = Int(random.next() % UInt64(chars.count))
            switch random.next() % 4 {
            case 0: chars.remove(at: at)
            case 1: chars.insert(Self.inserts[Int(random.next() % UInt64(Self.inserts.count))], at: at)
            case 2: chars.removeSubrange(at..<min(chars.count, at + Int(random.next() % 40)))
            default: chars.insert(contentsOf: chars[at..<min(chars.count, at + 30)], at: at)
            }
        }
        let text = String(chars)
        do {
            let parsed = try RestoreParser.ruleset(text)
            let rendered = SaveRenderer.render(parsed)
            let back = SaveRenderer.render(try RestoreParser.ruleset(rendered))
            let (a, b) = (HostileGeneratorTests.rules(back), HostileGeneratorTests.rules(rendered))
            #expect(a == b, "\(zip(a, b).first { $0 != $1 }.map { "\($0)\n\($1)" } ?? "count \(a.count) vs \(b.count)")")
        } catch {
            #expect(error.line >= 1 && error.line <= chars.filter { $0 == "\n" }.count + 1, "\(error)")
            #expect(error.column >= 0, "\(error)")
            #expect(!error.message.isEmpty)
        }
    }
}
