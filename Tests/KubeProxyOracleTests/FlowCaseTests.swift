import ClusterSource
import Foundation
import Reconciler
import Testing

/// The flow cases kube-proxy asserts with its packet tracer (runPacketFlowTests): the reader of
/// `expected.flows.yaml`; `TraceFlowTests` answers them with the product's tracer.
enum FlowCaseTests {
    struct Flow {
        var name = "", sourceIP = "", proto = "", destIP = "", destPort = 0, output = "", masq = false
    }

    /// Reads the simple `flows:` list of `expected.flows.yaml`.
    static func flows(_ text: String) -> [Flow] {
        var out: [Flow] = []
        for raw in text.split(separator: "\n") where !raw.hasPrefix("#") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("- ") { out.append(Flow()); line.removeFirst(2) }
            guard let colon = line.firstIndex(of: ":"), !out.isEmpty else { continue }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            switch key {
            case "name": out[out.count - 1].name = value
            case "sourceIP": out[out.count - 1].sourceIP = value
            case "protocol": out[out.count - 1].proto = value
            case "destIP": out[out.count - 1].destIP = value
            case "destPort": out[out.count - 1].destPort = Int(value) ?? -1
            case "output": out[out.count - 1].output = value
            case "masq": out[out.count - 1].masq = value == "true"
            default: break
            }
        }
        return out
    }
}
