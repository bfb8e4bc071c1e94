import Foundation

/// Failures of the API client, with what it was doing.
public enum KubeClientError: Error, CustomStringConvertible {
    case config(String)
    case http(status: Int, operation: String, body: String)
    /// 410 Gone: the resourceVersion is too old; relist.
    case gone(operation: String)
    case protocolError(String)

    public var description: String {
        switch self {
        case .config(let m): return "kubeconfig: \(m)"
        case .http(let status, let op, let body): return "\(op): HTTP \(status): \(body.prefix(300))"
        case .gone(let op): return "\(op): 410 Gone (resourceVersion expired)"
        case .protocolError(let m): return "API protocol: \(m)"
        }
    }
}
