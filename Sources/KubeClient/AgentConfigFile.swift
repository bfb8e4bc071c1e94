import Foundation
import Yams

/// The `KubeProxyConfiguration` fields that drive the agent itself (not the ruleset): sync
/// periods, bind addresses and the client connection's kubeconfig.
public struct AgentConfigFile: Sendable, Equatable {
    public var syncPeriod: Duration?
    public var minSyncPeriod: Duration?
    public var metricsBindAddress: String?
    public var healthzBindAddress: String?
    public var kubeconfig: String?
    /// `mode` (the proxy mode).
    public var mode: String?
    public var bindAddressHardFail: Bool?
    /// `conntrack.*` (KubeProxyConntrackConfiguration), as given.
    public var conntrack = ConntrackFields()

    /// The `conntrack` fields of a KubeProxyConfiguration (durations already parsed).
    public struct ConntrackFields: Sendable, Equatable {
        public var maxPerCore: Int?
        public var min: Int?
        public var tcpEstablishedTimeout: Duration?
        public var tcpCloseWaitTimeout: Duration?
        public var tcpBeLiberal: Bool?
        public var udpTimeout: Duration?
        public var udpStreamTimeout: Duration?
        public init() {}
    }

    public init() {}

    public static func load(path: String) throws -> AgentConfigFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw KubeClientError.config("cannot read \(path)") }
        return try parse(text)
    }

    public static func parse(_ text: String) throws -> AgentConfigFile {
        struct Doc: Decodable {
            struct IPTables: Decodable { var syncPeriod: String?; var minSyncPeriod: String? }
            struct Client: Decodable { var kubeconfig: String? }
            var iptables: IPTables?
            var clientConnection: Client?
            var metricsBindAddress: String?
            var healthzBindAddress: String?
            var mode: String?
            var bindAddressHardFail: Bool?
            struct Conntrack: Decodable {
                var maxPerCore: Int?, min: Int?, tcpEstablishedTimeout: String?, tcpCloseWaitTimeout: String?
                var tcpBeLiberal: Bool?, udpTimeout: String?, udpStreamTimeout: String?
            }
            var conntrack: Conntrack?
        }
        let doc: Doc
        do { doc = try YAMLDecoder().decode(Doc.self, from: text) } catch { throw KubeClientError.config("KubeProxyConfiguration: \(error)") }
        var out = AgentConfigFile()
        out.syncPeriod = try doc.iptables?.syncPeriod.map(goDuration)
        // kube-proxy defaults a zero minSyncPeriod (kubeadm writes `0s`), so a zero here is "not
        // set": the agent's latency-first pacing.
        out.minSyncPeriod = try doc.iptables?.minSyncPeriod.map(goDuration).flatMap { $0 == .zero ? nil : $0 }
        out.metricsBindAddress = doc.metricsBindAddress.flatMap { $0.isEmpty ? nil : $0 }
        out.healthzBindAddress = doc.healthzBindAddress.flatMap { $0.isEmpty ? nil : $0 }
        out.kubeconfig = doc.clientConnection?.kubeconfig.flatMap { $0.isEmpty ? nil : $0 }
        out.mode = doc.mode
        out.bindAddressHardFail = doc.bindAddressHardFail
        if let c = doc.conntrack {
            out.conntrack.maxPerCore = c.maxPerCore
            out.conntrack.min = c.min
            out.conntrack.tcpEstablishedTimeout = try c.tcpEstablishedTimeout.map(goDuration)
            out.conntrack.tcpCloseWaitTimeout = try c.tcpCloseWaitTimeout.map(goDuration)
            out.conntrack.tcpBeLiberal = c.tcpBeLiberal
            out.conntrack.udpTimeout = try c.udpTimeout.map(goDuration)
            out.conntrack.udpStreamTimeout = try c.udpStreamTimeout.map(goDuration)
        }
        return out
    }

    /// Go's duration syntax (`30s`, `1m0s`, `500ms`, `1h`).
    public static func goDuration(_ text: String) throws -> Duration {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest == "0" { return .zero }
        var seconds = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            guard let value = Double(number),
                  let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else {
                throw KubeClientError.config("bad duration \(text)")
            }
            rest = rest.dropFirst(unit.0.count)
            seconds += value * unit.1
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
