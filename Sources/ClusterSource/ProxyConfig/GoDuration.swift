import Foundation

/// Go's `time.Duration` text (`30s`, `1m0s`, `500ms`, `1h2m3.5s`, `0`), as KubeProxyConfiguration
/// and kube-proxy's duration flags write it.
public enum GoDuration {
    public struct InvalidDuration: Error, Hashable, Sendable, CustomStringConvertible {
        public var text: String
        public var description: String { "bad duration \"\(text)\" (want Go's syntax, e.g. 30s, 1m0s, 500ms)" }
    }

    public static func parse(_ text: String) throws(InvalidDuration) -> Duration {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest == "0" { return .zero }
        var seconds = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            rest = rest.dropFirst(number.count)
            guard let value = Double(number),
                  let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else {
                throw InvalidDuration(text: text)
            }
            rest = rest.dropFirst(unit.0.count)
            seconds += value * unit.1
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
