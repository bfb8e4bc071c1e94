import Reconciler
import Testing

/// The API server's name rules and the hostile objects of issue 12: each is skipped with one
/// error naming the object and the field, and never reaches a rule.
@Suite struct KubeValidationTests {
    @Test func nameRules() {
        #expect(NameRules.dns1035Label("web-1") == nil)
        for bad in ["Web", "1web", "wéb", "web-", "", String(repeating: "a", count: 64), "a\0b", "x\" -j ACCEPT #"] {
            #expect(NameRules.dns1035Label(bad) != nil, "\(bad)")
        }
        #expect(NameRules.dns1123Label("1web") == nil)
        #expect(NameRules.dns1123Label(String(repeating: "a", count: 63)) == nil)
        #expect(NameRules.dns1123Subdomain("a.b-c.d") == nil)
        for bad in ["a..b", ".a", "a.", "A.b", String(repeating: "a", count: 254)] { #expect(NameRules.dns1123Subdomain(bad) != nil) }
        #expect(NameRules.labelKey("kubernetes.io/service-name") == nil)
        #expect(NameRules.labelKey("Foo_bar.baz") == nil)
        for bad in ["/x", "a/", "bad prefix/x", "-x", String(repeating: "a", count: 64)] { #expect(NameRules.labelKey(bad) != nil) }
        #expect(NameRules.labelValue("") == nil)
        #expect(NameRules.labelValue("v 1") != nil)
        #expect(NameRules.ianaServiceName("http") == nil)
        for bad in ["80", "a--b", "-a", "abcdefghijklmnop", "HTTP"] { #expect(NameRules.ianaServiceName(bad) != nil) }
    }

    /// Hostile Services: (object, the field the one error must name).
    static let hostileServices: [(Service, String)] = {
        let long = String(repeating: "a", count: 300)
        func svc(_ name: String, ports: [Service.Port] = [K.port("p", 80)]) -> Service {
            K.service("ns", name, clusterIP: "172.30.9.1", ports: ports)
        }
        func svc(_ ns: String, _ name: String) -> Service { K.service(ns, name, clusterIP: "172.30.9.1", ports: [K.port("p", 80)]) }
        var families = svc("dual")
        families.spec.ipFamilies = ["IPv6"]
        var twoIPs = svc("two")
        twoIPs.spec.clusterIPs = ["172.30.9.1", "172.30.9.2"]
        return [
            (svc(long), "metadata.name"), (svc("a\0b"), "metadata.name"), (svc("Web"), "metadata.name"),
            (svc("wéb"), "metadata.name"), (svc("x\" -j ACCEPT #"), "metadata.name"),
            (svc(long, "web"), "metadata.namespace"), (svc("Ns", "web"), "metadata.namespace"),
            (svc("web", ports: [K.port(long, 80)]), "spec.ports[0].name"),
            (svc("web", ports: [K.port("a\0", 80)]), "spec.ports[0].name"),
            (svc("web", ports: [K.port("p", 70000)]), "spec.ports[0].port"),
            (svc("web", ports: [K.port("p", 80, nodePort: 30001)]), "spec.ports[0].nodePort"),
            (svc("web", ports: [K.port("", 80), K.port("q", 81)]), "spec.ports[0].name"),
            (families, "spec.ipFamilies[0]"), (twoIPs, "spec.clusterIPs[1]"),
        ]
    }()

    @Test(arguments: 0..<hostileServices.count)
    func hostileServiceIsSkippedNamingTheField(_ index: Int) {
        let (service, field) = Self.hostileServices[index]
        let v = service.validate()
        #expect(v.model == nil)
        #expect(v.issues.filter { $0.severity == .error }.map(\.field) == [field])
        let (state, _) = ClusterState.validating(services: [service], slices: [])
        #expect(state.services.isEmpty)
    }

    @Test func labelsAreChecked() {
        var s = K.service("ns", "web", clusterIP: "172.30.9.1", ports: [K.port("p", 80)])
        s.metadata.labels = ["app": String(repeating: "x", count: 64)]
        #expect(s.validate().issues.map(\.field) == ["metadata.labels[app]"])
        s.metadata.labels = ["bad key!": "x"]
        #expect(s.validate().issues.map(\.field) == ["metadata.labels"])
    }

    /// The error text stays on one line and short, whatever the value holds.
    @Test func errorsArePrintable() {
        let v = K.service("ns", "a\nb\0" + String(repeating: "c", count: 500), clusterIP: "172.30.9.1", ports: [K.port("p", 80)]).validate()
        let text = v.issues.map(\.description).joined()
        #expect(!text.contains("\n") && !text.contains("\0"))
        #expect(text.count < 400)
        #expect(text.contains("(504 bytes)"))
    }

    @Test func sourceNamesFileAndDocument() {
        var s = K.service("ns", "Web", clusterIP: "172.30.9.1", ports: [K.port("p", 80)])
        s.metadata.source = "x.yaml document 3"
        #expect(s.validate().issues.first?.description
                == "error: Service ns/Web (x.yaml document 3) metadata.name: invalid value \"Web\": must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter and ending with a letter or digit")
    }
}

/// Every address from any input is read once into its canonical value (`IPAddress.kube`).
@Suite struct KubeAddressTests {
    @Test func sloppyIPv4() {
        #expect(IPAddress.kube("010.009.000.014") == IPAddress("10.9.0.14"))
        #expect(IPAddress.kube("0000010.0.0.1") == IPAddress("10.0.0.1"))
        #expect(IPAddress.kube("256.0.0.1") == nil)
        #expect(IPAddress.kube("1.2.3") == nil)
        #expect(IPAddress.kube("1.2.3.4 ") == nil)
        #expect(IPAddress.kube("0x1.2.3.4") == nil)
    }

    @Test func ipv6FormsAndMapped() {
        #expect(IPAddress.kube("FD00:0010:0000::0005")?.description == "fd00:10::5")
        #expect(IPAddress.kube("2001:DB8::1") == IPAddress("2001:db8::1"))
        #expect(IPAddress.kube("::ffff:10.0.0.1") == IPAddress("10.0.0.1"))
        #expect(IPAddress.kube("::ffff:10.0.0.1")?.family == .ipv4)
        #expect(IPAddress.kube("fe80::1%eth0") == nil)
        #expect(IPAddress.kube("1::2::3") == nil)
    }

    @Test func cidrs() {
        #expect(CIDR.kube("010.000.000.000/8") == CIDR("10.0.0.0/8"))
        #expect(CIDR.kube("10.1.2.3/16") == CIDR("10.1.0.0/16"))
        #expect(CIDR.kube("::ffff:10.0.0.0/104") == CIDR("10.0.0.0/8"))
        #expect(CIDR.kube("FD00::/64") == CIDR("fd00::/64"))
        #expect(CIDR.kube("10.0.0.0") == nil)
        #expect(CIDR.kube("10.0.0.0/255.0.0.0") == nil)
        #expect(CIDR.kube("10.0.0.0/33") == nil)
    }
}
