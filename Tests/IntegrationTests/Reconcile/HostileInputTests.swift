import Foundation
import TestSupport
import Testing
@testable import Reconciler

/// Issue 12: examples/cluster.yaml plus one hostile object, applied twice into a fresh namespace.
/// A rejected object leaves no rule and one error naming file, document, object and field (exit
/// 3: the rest applied); an accepted one is programmed in canonical form; the second run is always
/// a no-op; a malformed file changes nothing (exit 1).
@Suite(.enabled(if: NetnsTests.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct HostileInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var yaml: String
        /// The field the one error names; nil when the object is valid and must be programmed.
        var field: String?
        /// Text that must appear in the live rules (accepted objects) or must not (rejected).
        var marker: String
        var description: String { name }
    }

    static func service(_ name: String, ns: String = "hostile", ip: String = "172.30.9.1", port: String = "80",
                        portName: String = "p") -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: \(name), namespace: \(ns)}
        spec: {clusterIP: \(ip), ports: [{name: \(portName), port: \(port)}]}
        """
    }

    static func slice(_ address: String, service: String = "legacy", ns: String = "hostile") -> String {
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: \(service)-1, namespace: \(ns), labels: {kubernetes.io/service-name: \(service)}}
        addressType: IPv4
        endpoints: [{addresses: ["\(address)"]}]
        ports: [{name: p, port: 8080}]
        """
    }

    static let long = String(repeating: "a", count: 300)

    static let cases: [Case] = [
        Case(name: "300-character name", yaml: service(long), field: "metadata.name", marker: "aaaaaaaaaaaaaaaaaaaa"),
        Case(name: "NUL in name", yaml: service("\"a\\0b\""), field: "metadata.name", marker: "172.30.9.1"),
        Case(name: "upper case name", yaml: service("Web"), field: "metadata.name", marker: "hostile/Web"),
        Case(name: "non-ASCII name", yaml: service("wéb"), field: "metadata.name", marker: "172.30.9.1"),
        Case(name: "iptables text in name", yaml: service("'x\" -j ACCEPT #'"), field: "metadata.name", marker: "-j ACCEPT #"),
        Case(name: "300-character port name", yaml: service("web", portName: long), field: "spec.ports[0].name", marker: "hostile/web"),
        Case(name: "300-character namespace", yaml: service("web", ns: long), field: "metadata.namespace", marker: "172.30.9.1"),
        Case(name: "port beyond Int64", yaml: service("web", port: "99999999999999999999"), field: "spec.ports[0].port", marker: "hostile/web"),
        Case(name: "port 70000", yaml: service("web", port: "70000"), field: "spec.ports[0].port", marker: "hostile/web"),
        Case(name: "cluster IP with a rule in it", yaml: service("web", ip: "'172.30.9.1 -j ACCEPT'"), field: "spec.clusterIP", marker: "hostile/web"),
        Case(name: "endpoint address with a rule in it", yaml: service("legacy") + "\n---\n" + slice("10.180.9.1 -j ACCEPT"),
             field: "endpoints[0].addresses[0]", marker: "10.180.9.1"),
        Case(name: "loopback endpoint", yaml: service("legacy") + "\n---\n" + slice("127.0.0.1"),
             field: "endpoints[0].addresses[0]", marker: "127.0.0.1:8080"),
        Case(name: "legacy IPv4 text", yaml: service("legacy", ip: "172.030.009.001") + "\n---\n" + slice("010.180.009.001"),
             field: nil, marker: "--to-destination 10.180.9.1:8080"),
        Case(name: "IPv4-mapped IPv6 endpoint", yaml: service("legacy") + "\n---\n" + slice("::ffff:10.180.9.2"),
             field: nil, marker: "--to-destination 10.180.9.2:8080"),
    ]

    @Test(arguments: cases)
    func hostileObjectConverges(_ c: Case) throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        let cluster = Repo.path("examples/cluster.yaml")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-hostile-\(getpid())-\(c.name.hashValue).yaml").path
        try c.yaml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        for run in 1...2 {
            let result = try Kpx.reconcile(namespace, [cluster, file], flags, ["--output", "json"])
            let plan = try JSONDecoder().decode(PlanDocument.self, from: Data(result.stdout.utf8))
            if run == 2 { #expect(plan.operations.isEmpty, "\(c): second run not idle: \(plan.operations)") }
            let errors = result.stderr.split(separator: "\n").filter { $0.contains("error:") }
            if let field = c.field {
                #expect(result.status == 3, "\(c): \(result.stderr)")
                #expect(errors.count == 1, "\(c): \(result.stderr)")
                let document = c.yaml.contains("EndpointSlice") ? 1 : 0
                #expect(errors.first?.contains("\(file) document \(document)") == true && errors.first?.contains(" \(field): ") == true,
                        "\(c): \(result.stderr)")
            } else {
                #expect(result.status == 0 && errors.isEmpty, "\(c): \(result.stderr)")
            }
        }
        let saved = try namespace.save()
        #expect(saved.contains(c.marker) == (c.field == nil), "\(c): marker \(c.marker)")
        let want = try flags.desired([cluster, file])
        #expect(SaveRenderer.render(want).contains(c.marker) == (c.field == nil))
        try Converged.expect(namespace, equals: want, "\(c)")
    }

    /// A file that is not valid YAML (or not UTF-8) changes nothing: exit 1, tables as they were.
    @Test func malformedFileChangesNothing() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        let cluster = Repo.path("examples/cluster.yaml")
        try #require(try Kpx.reconcile(namespace, [cluster], flags).status == 0)
        let before = try namespace.save()
        let dir = FileManager.default.temporaryDirectory.path
        let broken = "\(dir)/kpx-malformed-\(getpid()).yaml", binary = "\(dir)/kpx-binary-\(getpid()).yaml"
        try "kind: Service\nmetadata: {name: [\n".write(toFile: broken, atomically: true, encoding: .utf8)
        try Data([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]).write(to: URL(fileURLWithPath: binary))
        defer { try? FileManager.default.removeItem(atPath: broken); try? FileManager.default.removeItem(atPath: binary) }
        for file in [broken, binary] {
            let result = try Kpx.reconcile(namespace, [file], flags)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains(file) && result.stderr.contains("nothing changed"), "\(result.stderr)")
            #expect(try namespace.save() == before)
        }
    }

    /// `--strict` turns a skipped object into an error that changes nothing.
    @Test func strictRefusesInvalidObjects() throws {
        let namespace = try NetworkNamespace()
        let flags = try NodeFlags.example()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-strict-\(getpid()).yaml").path
        try Self.service("Web").write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let before = try namespace.save()
        let result = try Kpx.reconcile(namespace, [Repo.path("examples/cluster.yaml"), file], flags, ["--strict"])
        #expect(result.status == 1 && result.stderr.contains("--strict"), "\(result.stderr)")
        #expect(try namespace.save() == before)
    }
}
