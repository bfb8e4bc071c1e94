import Reconciler
import Testing

@Suite struct DesiredNamingTests {
    func hex(_ b: [UInt8]) -> String { b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }

    @Test func sha256KnownVectors() {
        #expect(hex(SHA256.hash("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(SHA256.hash(String(repeating: "a", count: 1000)))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func base32RFC4648Vectors() {
        let vectors = ["": "", "f": "MY======", "fo": "MZXQ====", "foo": "MZXW6===", "foob": "MZXW6YQ=",
                       "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI======"]
        for (input, want) in vectors { #expect(Base32.encode(Array(input.utf8)) == want) }
    }

    /// Vectors from the reference doc and the upstream expected outputs.
    @Test func chainNameVectors() {
        #expect(KubeChains.clusterPolicy("ns4/svc4:p80", "tcp") == "KUBE-SVC-4SW47YFZTEDKD3PK")
        #expect(KubeChains.endpoint("ns4/svc4:p80", "tcp", "10.180.0.4:80") == "KUBE-SEP-UKSFD7AGPMPPLUHC")
        #expect(KubeChains.clusterPolicy("ns1/svc1:p80", "tcp") == "KUBE-SVC-XPGD46QRK7WJZT7O")
        #expect(KubeChains.external("ns2/svc2:p80", "tcp") == "KUBE-EXT-GNZBNJ2PO5MGZ6GT")
        #expect(KubeChains.firewall("ns5/svc5:p80", "tcp") == "KUBE-FW-NUKIZ6OKUXPJNT4C")
        #expect(KubeChains.endpoint("ns5/svc5:p80", "tcp", "10.180.0.3:80") == "KUBE-SEP-I77PXRDZVX7PMWMN")
        #expect(KubeChains.clusterPolicy("ns2/svc2:p8080", "tcp") == "KUBE-SVC-2VJB64SDSIJUP5T6")
        #expect(KubeChains.localPolicy("ns1/svc1:p80", "tcp").hasPrefix("KUBE-SVL-XPGD46QRK7WJZT7O"))
    }

    @Test func servicePortNameString() {
        let svc = ServiceName(namespace: "ns", name: "web")
        #expect(ServicePortName(service: svc, port: "", proto: .tcp).description == "ns/web")
        #expect(ServicePortName(service: svc, port: "http", proto: .udp).description == "ns/web:http")
        let v6 = EndpointInfo(ip: IPAddress("2001:db8::5")!, port: 80)
        #expect(v6.string == "[2001:db8::5]:80")
    }
}

@Suite struct DesiredEndpointTextTests {
    /// kube-proxy builds the SEP hash, comments and DNAT target from the canonical address
    /// (`utilnet.ParseIPSloppy(addr).String()` in endpointslicecache.go), whatever the slice wrote.
    @Test func sepChainUsesCanonicalAddress() throws {
        let svc = K.service("ns", "v6", clusterIP: "fd00:30::1", ports: [K.port("p", 80)])
        let eps = K.slice("ns", "v6", family: "IPv6", endpoints: [K.ep("FD00:10:0::0005")], ports: [K.sport("p", 80)])
        let rs = DesiredState.compute(K.state([svc], [eps]), settings: K.fakeIPv6)
        let sep = KubeChains.endpoint("ns/v6:p", "tcp", "[fd00:10::5]:80")
        try #require(rs[table: .nat]?[chain: sep] != nil)
        #expect(K.lines(rs, .nat, sep)[1].hasSuffix("-j DNAT --to-destination [fd00:10::5]:80"))
    }

    /// Legacy IPv4 text (leading zeros, read as decimal) and IPv4-mapped IPv6 become the canonical
    /// IPv4 address in chain names, comments and DNAT targets.
    @Test func legacyIPv4TextIsCanonical() throws {
        let svc = K.service("ns", "old", clusterIP: "172.030.000.001", ports: [K.port("p", 80)])
        let eps = K.slice("ns", "old", endpoints: [K.ep("010.180.000.001")], ports: [K.sport("p", 80)])
        let rs = DesiredState.compute(K.state([svc], [eps]), settings: K.fakeIPv4)
        let sep = KubeChains.endpoint("ns/old:p", "tcp", "10.180.0.1:80")
        try #require(rs[table: .nat]?[chain: sep] != nil)
        #expect(K.lines(rs, .nat, sep)[1].hasSuffix("-j DNAT --to-destination 10.180.0.1:80"))
        #expect(K.lines(rs, .nat, "KUBE-SERVICES").contains { $0.contains("-d 172.30.0.1 ") })
        let mapped = K.slice("ns", "old", endpoints: [K.ep("::ffff:10.180.0.1")], ports: [K.sport("p", 80)])
        #expect(DesiredState.compute(K.state([svc], [mapped]), settings: K.fakeIPv4) == rs)
    }
}
