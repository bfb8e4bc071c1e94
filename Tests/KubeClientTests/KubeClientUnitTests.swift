import Foundation
import Testing
@testable import KubeClient

/// The API client's own parts: retry backoff, kubeconfig and in-cluster credentials, the node object.
@Suite struct KubeClientUnitTests {
    @Test func backoffGrowsWithJitterUpToItsCap() {
        let b = Backoff(base: .milliseconds(100), cap: .seconds(2))
        for attempt in 1...12 {
            let full = min(Duration.milliseconds(100) * (1 << (attempt - 1)), .seconds(2))
            let d = b.delay(attempt: attempt)
            #expect(d >= full * 0.5 && d <= full, "attempt \(attempt): \(d)")
        }
    }

    @Test func kubeconfigWithTokenCertificateAndCA() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-kc-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("CA-PEM".utf8).write(to: URL(fileURLWithPath: "\(dir)/ca.crt"))
        let text = """
            apiVersion: v1
            kind: Config
            current-context: node
            clusters:
            - name: other
              cluster: {server: "https://other:6443"}
            - name: local
              cluster:
                server: https://10.0.0.1:6443/
                certificate-authority: ca.crt
            users:
            - name: proxy
              user:
                token: abc.def
                client-certificate-data: \(Data("CERT".utf8).base64EncodedString())
                client-key-data: \(Data("KEY".utf8).base64EncodedString())
            contexts:
            - name: node
              context: {cluster: local, user: proxy}
            """
        let e = try KubeConfigFile.parse(text, baseDirectory: dir)
        #expect(e.server == "https://10.0.0.1:6443")
        #expect(e.currentToken() == "abc.def")
        #expect(e.caPEM == Array("CA-PEM".utf8))
        #expect(e.clientCertificatePEM == Array("CERT".utf8) && e.clientKeyPEM == Array("KEY".utf8))
        #expect(!e.insecureSkipTLSVerify)
        let insecure = try KubeConfigFile.parse(text.replacingOccurrences(of: "certificate-authority: ca.crt", with: "insecure-skip-tls-verify: true"),
                                                baseDirectory: dir)
        #expect(insecure.insecureSkipTLSVerify && insecure.caPEM == nil)
        #expect(throws: KubeClientError.self) { try KubeConfigFile.parse("clusters: []", baseDirectory: dir) }
        // --master overrides the server.
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/kubeconfig"))
        let m = try KubeEndpoint.resolve(kubeconfig: "\(dir)/kubeconfig", master: "https://api.example:443", environment: [:])
        #expect(m.server == "https://api.example:443" && m.currentToken() == "abc.def")
    }

    @Test func inClusterServiceAccount() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kpx-sa-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("tok-1\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/token"))
        let env = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"]
        let e = try KubeEndpoint.inCluster(environment: env, directory: dir)
        #expect(e.server == "https://[fd00::1]:443")
        #expect(e.currentToken() == "tok-1")
        // Rotated tokens are picked up.
        try Data("tok-2".utf8).write(to: URL(fileURLWithPath: "\(dir)/token"))
        #expect(e.currentToken() == "tok-2")
    }

    @Test func nodeObjectZoneAndDeletion() throws {
        let plain = try NodeInfo.parse(Data(#"{"metadata":{"name":"n1","labels":{"topology.kubernetes.io/zone":"z1"}}}"#.utf8), name: "n1")
        #expect(plain.zone == "z1" && !plain.beingDeleted)
        let deleting = try NodeInfo.parse(Data(#"{"metadata":{"name":"n1","deletionTimestamp":"2026-01-01T00:00:00Z"}}"#.utf8), name: "n1")
        #expect(deleting.beingDeleted)
        let tainted = try NodeInfo.parse(Data(#"{"metadata":{"name":"n1"},"spec":{"taints":[{"key":"ToBeDeletedByClusterAutoscaler","effect":"NoSchedule"}]}}"#.utf8), name: "n1")
        #expect(tainted.beingDeleted)
    }

}
