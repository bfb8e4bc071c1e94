@testable import ClusterSource
import Foundation
import Reconciler
import Testing

/// `kubectl get -o json` and `-o yaml` of the same cluster (Tests/Fixtures/kubectl) decode to equal
/// values through the one manifest decoder, and every field kube-proxy reads arrives.
@Suite struct KubectlGoldenTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/kubectl")

    static func load(_ name: String) -> LoadedObjects {
        ManifestLoader.load(files: [dir.appendingPathComponent(name).path])
    }

    /// The objects without where they were read (the file names differ).
    static func values(_ loaded: LoadedObjects) -> ([Service], [EndpointSlice]) {
        (loaded.services.map { var s = $0; s.metadata.source = nil; return s },
         loaded.slices.map { var s = $0; s.metadata.source = nil; return s })
    }

    @Test func jsonAndYAMLDecodeToEqualValues() {
        let json = Self.load("cluster.json"), yaml = Self.load("cluster.yaml")
        #expect(json.issues.isEmpty && yaml.issues.isEmpty, "\(json.issues) \(yaml.issues)")
        #expect(json.services.count == 3 && json.slices.count == 2)
        #expect(Self.values(json) == Self.values(yaml))
        // Where an object was read: file, document (with its first line) and item.
        #expect(yaml.services.first?.metadata.source?.hasSuffix("cluster.yaml document 0 (line 1) item 0") == true, "\(yaml.services.first?.metadata.source ?? "")")
    }

    @Test func everyServiceFieldKubeProxyReads() throws {
        let services = Self.load("cluster.yaml").services
        let web = try #require(services.first { $0.metadata.name == "web" })
        #expect(web.metadata.namespace == "shop" && web.metadata.labels?["tier"] == "frontend")
        let s = web.spec
        #expect(s.type == "LoadBalancer" && s.clusterIP == "10.96.12.7" && s.clusterIPs == ["10.96.12.7"] && s.ipFamilies == ["IPv4"])
        #expect(s.ports == [Service.Port(name: "http", protocol: "TCP", port: 80, targetPort: .string("http-web"), nodePort: 30080),
                            Service.Port(name: "dns", protocol: "UDP", port: 53, targetPort: .int(5353), nodePort: 30053)])
        #expect(s.externalIPs == ["203.0.113.10"] && s.sessionAffinity == "ClientIP" && s.sessionAffinityConfig?.clientIP?.timeoutSeconds == 600)
        #expect(s.externalTrafficPolicy == "Local" && s.internalTrafficPolicy == "Cluster" && s.healthCheckNodePort == 32000)
        #expect(s.loadBalancerSourceRanges == ["198.51.100.0/24"])
        let ingress = web.status?.loadBalancer?.ingress ?? []
        #expect(ingress.count == 2 && ingress[0].ip == "192.0.2.50" && ingress[0].ipMode == "VIP" && ingress[1].hostname == "lb.example.com")
        let db = try #require(services.first { $0.metadata.name == "db" })
        #expect(db.spec.clusterIP == "None" && db.metadata.labels?["service.kubernetes.io/headless"] == "")
        #expect(db.spec.internalTrafficPolicy == "Local" && db.spec.ports?.first?.targetPort == .int(5432))
        let ext = try #require(services.first { $0.metadata.name == "ext" })
        #expect(ext.metadata.labels?["service.kubernetes.io/service-proxy-name"] == "other")
        #expect(ext.spec.type == "NodePort" && ext.spec.ports?.first?.protocol == "SCTP" && ext.spec.ports?.first?.nodePort == 31443)
    }

    @Test func everyEndpointSliceFieldKubeProxyReads() throws {
        let slices = Self.load("cluster.yaml").slices
        let web = try #require(slices.first { $0.metadata.name == "web-abc12" })
        #expect(web.serviceName == ServiceName(namespace: "shop", name: "web") && web.addressType == "IPv4")
        let endpoints = web.endpoints ?? []
        #expect(endpoints.count == 2)
        #expect(endpoints[0].addresses == ["10.244.1.5"] && endpoints[0].nodeName == "node-a" && endpoints[0].zone == "zone-1")
        #expect(endpoints[0].conditions == EndpointSlice.Conditions(ready: true, serving: true, terminating: false))
        #expect(endpoints[0].hints == EndpointSlice.Hints(forZones: [.init(name: "zone-1")], forNodes: [.init(name: "node-a")]))
        #expect(endpoints[1].conditions == EndpointSlice.Conditions(ready: false, serving: true, terminating: true))
        #expect(web.ports == [EndpointSlice.Port(name: "http", protocol: "TCP", port: 8080), EndpointSlice.Port(name: "dns", protocol: "UDP", port: 5353)])
        let db = try #require(slices.first { $0.metadata.name == "db-xyz" })
        #expect(db.ports == [EndpointSlice.Port(name: "", protocol: "TCP", port: 5432)])
        #expect(db.endpoints?.first?.conditions == EndpointSlice.Conditions(ready: true))
    }

    /// The whole file validates: what the CLI does with it. The headless Service (clusterIP None)
    /// has no rules, as in kube-proxy.
    @Test func goldenClusterValidates() {
        let loaded = Self.load("cluster.json")
        let (state, issues) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        #expect(issues.filter { $0.severity == .error }.isEmpty, "\(issues)")
        #expect(Set(state.services.map(\.name.name)) == ["web", "ext"], "\(state.services.map(\.name))")
    }
}

/// YAML's scalar types as the API server sees them (sigs.k8s.io/yaml converts YAML to JSON).
@Suite struct YAMLScalarTests {
    static func service(_ portLine: String) -> LoadedObjects {
        ManifestLoader.parse("kind: Service\nmetadata: {name: a, namespace: b}\nspec:\n  ports:\n  - \(portLine)\n", source: "s.yaml")
    }

    @Test func plainNumbersAreNumbersAndQuotedOnesAreStrings() {
        #expect(Self.service("port: 80").services.first?.spec.ports?.first?.port == 80)
        #expect(Self.service("{port: 80, targetPort: \"8080\"}").services.first?.spec.ports?.first?.targetPort == .string("8080"))
        #expect(Self.service("{port: 80, targetPort: 0x1F90}").services.first?.spec.ports?.first?.targetPort == .int(8080))
        let quoted = Self.service("port: \"80\"")
        #expect(quoted.services.isEmpty && quoted.issues.first?.message.contains("spec.ports[0].port") == true, "\(quoted.issues)")
    }

    @Test func numbersThatFitNoIntegerAreNamedAtTheirField() {
        for value in ["100000000000000000000", "1.5", "1e30"] {
            let r = Self.service("port: \(value)")
            #expect(r.services.isEmpty && r.issues.first?.message.contains("spec.ports[0].port") == true, "\(value): \(r.issues)")
        }
    }

    @Test func nullsBooleansAndStrings() {
        let cases: [(String, PlainScalar)] = [("", .null), ("~", .null), ("null", .null), ("NULL", .null),
                                              ("true", .bool(true)), ("False", .bool(false)), ("80", .number("80")),
                                              ("+80", .number("80")), ("-3", .number("-3")), ("080", .number("80")),
                                              ("0o17", .number("15")), ("2.5", .number("2.5")), ("1e3", .number("1000")),
                                              ("yes", .string), ("1.2.3", .string), ("80a", .string), (".inf", .string),
                                              ("10.0.0.1", .string), ("-", .string)]
        for (text, type) in cases { #expect(PlainScalar.type(of: text) == type, "\(text)") }
    }
}
