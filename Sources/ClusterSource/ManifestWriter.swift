import Foundation
public import Reconciler
import Yams

/// Writes Services and EndpointSlices as a multi-document YAML manifest that `ManifestLoader`
/// (and kubectl) read back.
public enum ManifestWriter {
    /// One YAML document per object, Services first, separated by `---`.
    public static func yaml(services: [Service], slices: [EndpointSlice]) throws -> String {
        let encoder = YAMLEncoder()
        var docs: [String] = []
        docs.reserveCapacity(services.count + slices.count)
        for s in services { docs.append(try encoder.encode(s)) }
        for s in slices { docs.append(try encoder.encode(s)) }
        return docs.map { "---\n" + $0 }.joined()
    }
}
