import Foundation
import NIOHTTP1
import Reconciler

/// kube-proxy's answer on a health-check node port (pkg/proxy/healthcheck/service_health.go),
/// the same for every method and path.
enum ServiceHealthReply {
    /// 200 when the Service has local endpoints and the proxy is healthy, else 503; the body is
    /// Go's tab-indented JSON without a trailing newline.
    static func make(service: ServiceName, localEndpoints: Int, proxyHealthy: Bool) -> HTTPReply {
        let body = """
            {
            \t"service": {
            \t\t"namespace": \(goQuoted(service.namespace)),
            \t\t"name": \(goQuoted(service.name))
            \t},
            \t"localEndpoints": \(localEndpoints),
            \t"serviceProxyHealthy": \(proxyHealthy)
            }
            """
        let ok = localEndpoints != 0 && proxyHealthy
        return HTTPReply(status: ok ? .ok : .serviceUnavailable, contentType: "application/json", body: body,
                         headers: [("X-Load-Balancing-Endpoint-Weight", String(localEndpoints))])
    }

    /// Go's `%q` for a validated Kubernetes name (no characters that need escaping but these).
    static func goQuoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
