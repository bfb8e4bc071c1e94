public import Foundation
import Yams

/// Where the API server is and how to authenticate to it.
public struct KubeEndpoint: Sendable, Equatable {
    /// Base URL, e.g. `https://10.0.0.1:6443`.
    public var server: String
    public var token: String?
    /// A token file, re-read on every request (service-account tokens rotate).
    public var tokenFile: String?
    public var caPEM: [UInt8]?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    public var insecureSkipTLSVerify: Bool

    public init(server: String, token: String? = nil, tokenFile: String? = nil, caPEM: [UInt8]? = nil,
                clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
        self.tokenFile = tokenFile
        self.caPEM = caPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
    }

    /// The bearer token to send now, if any.
    public func currentToken() -> String? {
        if let tokenFile, let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return token
    }

    /// kube-proxy's choice: `--kubeconfig` if given, else in-cluster config; `--master` overrides the server.
    public static func resolve(kubeconfig: String?, master: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KubeEndpoint {
        var endpoint: KubeEndpoint
        if let kubeconfig {
            endpoint = try KubeConfigFile.load(path: kubeconfig)
        } else if environment["KUBERNETES_SERVICE_HOST"] != nil {
            endpoint = try inCluster(environment: environment)
        } else if let master {
            return KubeEndpoint(server: master)
        } else {
            throw KubeClientError.config("no --kubeconfig, no --master and not running in a cluster")
        }
        if let master { endpoint.server = master.hasSuffix("/") ? String(master.dropLast()) : master }
        return endpoint
    }

    /// The pod's service account (`KUBERNETES_SERVICE_HOST`/`_PORT`, token and CA under
    /// /var/run/secrets/kubernetes.io/serviceaccount).
    public static func inCluster(environment: [String: String],
                                 directory: String = "/var/run/secrets/kubernetes.io/serviceaccount") throws -> KubeEndpoint {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"] else {
            throw KubeClientError.config("KUBERNETES_SERVICE_HOST/PORT not set")
        }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard FileManager.default.fileExists(atPath: "\(directory)/token") else {
            throw KubeClientError.config("no service account token in \(directory)")
        }
        let ca = FileManager.default.contents(atPath: "\(directory)/ca.crt").map { [UInt8]($0) }
        return KubeEndpoint(server: "https://\(bracketed):\(port)", tokenFile: "\(directory)/token", caPEM: ca)
    }
}

/// A kubeconfig file: the current context's cluster and user.
public enum KubeConfigFile {
    public static func load(path: String, context: String? = nil) throws -> KubeEndpoint {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw KubeClientError.config("cannot read \(path)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, baseDirectory: base, context: context)
    }

    /// Parses kubeconfig YAML; relative file paths are taken relative to `baseDirectory`.
    public static func parse(_ text: String, baseDirectory: String, context: String? = nil) throws -> KubeEndpoint {
        let config: KubeConfigDocument
        do { config = try YAMLDecoder().decode(KubeConfigDocument.self, from: text) } catch {
            throw KubeClientError.config("malformed kubeconfig: \(error)")
        }
        guard let contextName = context ?? config.currentContext ?? config.contexts?.first?.name,
              let ctx = config.contexts?.first(where: { $0.name == contextName })?.context else {
            throw KubeClientError.config("no usable context")
        }
        guard let cluster = config.clusters?.first(where: { $0.name == ctx.cluster })?.cluster, let server = cluster.server else {
            throw KubeClientError.config("context \(contextName): no cluster \(ctx.cluster ?? "") with a server")
        }
        let user = config.users?.first(where: { $0.name == ctx.user })?.user
        func material(data: String?, file: String?, _ what: String) throws -> [UInt8]? {
            if let data {
                guard let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                    throw KubeClientError.config("\(what)-data is not base64")
                }
                return [UInt8](bytes)
            }
            guard let file else { return nil }
            let full = file.hasPrefix("/") ? file : "\(baseDirectory)/\(file)"
            guard let bytes = FileManager.default.contents(atPath: full) else { throw KubeClientError.config("cannot read \(what) \(full)") }
            return [UInt8](bytes)
        }
        return KubeEndpoint(
            server: server, token: user?.token,
            tokenFile: user?.tokenFile.map { $0.hasPrefix("/") ? $0 : "\(baseDirectory)/\($0)" },
            caPEM: try material(data: cluster.certificateAuthorityData, file: cluster.certificateAuthority, "certificate-authority"),
            clientCertificatePEM: try material(data: user?.clientCertificateData, file: user?.clientCertificate, "client-certificate"),
            clientKeyPEM: try material(data: user?.clientKeyData, file: user?.clientKey, "client-key"),
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify ?? false)
    }
}

struct KubeConfigDocument: Decodable {
    struct Named<T: Decodable>: Decodable { var name: String; var value: T? }
    struct Cluster: Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        enum CodingKeys: String, CodingKey {
            case server, certificateAuthority = "certificate-authority", certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        }
    }
    struct User: Decodable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        enum CodingKeys: String, CodingKey {
            case token, tokenFile, clientCertificate = "client-certificate", clientCertificateData = "client-certificate-data"
            case clientKey = "client-key", clientKeyData = "client-key-data"
        }
    }
    struct Context: Decodable { var cluster: String?; var user: String? }
    struct NamedCluster: Decodable { var name: String; var cluster: Cluster? }
    struct NamedUser: Decodable { var name: String; var user: User? }
    struct NamedContext: Decodable { var name: String; var context: Context? }

    var clusters: [NamedCluster]?
    var users: [NamedUser]?
    var contexts: [NamedContext]?
    var currentContext: String?
    enum CodingKeys: String, CodingKey { case clusters, users, contexts, currentContext = "current-context" }
}
