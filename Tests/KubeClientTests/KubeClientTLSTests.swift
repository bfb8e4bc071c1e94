import APIServerSupport
import NIOCore
import Foundation
import KubeClient
import Reconciler
import Testing

/// The API client over HTTPS against the fake server: CA bundle, client certificate, bearer
/// token and insecure-skip-tls-verify, from a real kubeconfig file. Loopback only; no root needed.
@Suite(.serialized) struct KubeClientTLSTests {
    static let pki = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tls").path

    func server() async throws -> FakeAPIServer {
        let api = FakeAPIServer()
        try api.useTLS(certificate: "\(Self.pki)/server.crt", key: "\(Self.pki)/server.key", clientCA: "\(Self.pki)/ca.crt")
        api.requiredToken = "s3cret"
        api.upsert(Service(metadata: ObjectMeta(name: "svc1", namespace: "ns1"),
                           spec: Service.Spec(clusterIP: "172.30.0.41", ports: [Service.Port(name: "p80", protocol: "TCP", port: 80)])))
        try await api.start()
        return api
    }

    /// A kubeconfig naming the fixture files (or embedding them as *-data) for `server`.
    func kubeconfig(_ server: String, ca: String? = "ca.crt", insecure: Bool = false, embed: Bool = false, token: String = "s3cret") throws -> String {
        func data(_ name: String) throws -> String { try Data(contentsOf: URL(fileURLWithPath: "\(Self.pki)/\(name)")).base64EncodedString() }
        var cluster = "    server: \(server)\n"
        if let ca { cluster += embed ? "    certificate-authority-data: \(try data(ca))\n" : "    certificate-authority: \(Self.pki)/\(ca)\n" }
        if insecure { cluster += "    insecure-skip-tls-verify: true\n" }
        let user = embed
            ? "    client-certificate-data: \(try data("client.crt"))\n    client-key-data: \(try data("client.key"))\n"
            : "    client-certificate: \(Self.pki)/client.crt\n    client-key: \(Self.pki)/client.key\n"
        let text = """
            apiVersion: v1
            kind: Config
            current-context: c
            clusters:
            - name: k
              cluster:
            \(cluster)users:
            - name: u
              user:
                token: \(token)
            \(user)contexts:
            - name: c
              context: {cluster: k, user: u}

            """
        let path = "\(FileManager.default.temporaryDirectory.path)/kpx-kubeconfig-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func list(_ kubeconfig: String) async throws -> Data {
        defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
        let client = try KubeAPIClient(endpoint: try KubeConfigFile.load(path: kubeconfig), requestTimeout: .seconds(2))
        do {
            let data = try await client.get("/api/v1/services")
            await client.shutdown()
            return data
        } catch {
            await client.shutdown()
            throw error
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func caBundleClientCertificateAndToken() async throws {
        let api = try await server()
        for embed in [false, true] {
            let body = try await list(try kubeconfig(api.url, embed: embed))
            #expect(String(decoding: body, as: UTF8.self).contains("svc1"), "embed \(embed)")
        }
        #expect(api.count("list services") == 2)
        #expect(api.authorizations.allSatisfy { $0 == "Bearer s3cret" })
        // A wrong token is refused with 401.
        await #expect(throws: KubeClientError.self) { _ = try await list(try kubeconfig(api.url, token: "wrong")) }
        await api.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func serverCertificateIsVerifiedUnlessInsecure() async throws {
        let api = try await server()
        // Signed by another CA: refused.
        await #expect(throws: (any Error).self) { _ = try await list(try kubeconfig(api.url, ca: "other-ca.crt")) }
        #expect(api.count("list services") == 0)
        // insecure-skip-tls-verify: accepted without a CA.
        let body = try await list(try kubeconfig(api.url, ca: nil, insecure: true))
        #expect(String(decoding: body, as: UTF8.self).contains("svc1"))
        await api.stop()
    }
}
