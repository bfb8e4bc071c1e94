import ArgumentParser
import ClusterSource
import Foundation
import Reconciler
import ReconcilerTesting

/// `kpx-bench decode`: the API list path's one-pass decoding of a generated cluster's Services and
/// EndpointSlices as one JSON list page each.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Time the API list decoding.")

    @Option var services: Int = 10000
    @Option var seed: UInt64 = 42
    @Option var reps = 3
    @Option(help: "Time ManifestLoader on this manifest file instead (YAML or JSON).") var manifest: String?

    func run() throws {
        if let manifest {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: manifest))
            for _ in 0..<reps {
                let start = Date()
                let loaded = ManifestLoader.parse(bytes, source: manifest)
                print(String(format: "%@: %d services, %d slices, %d issues in %.0f ms", manifest, loaded.services.count, loaded.slices.count,
                             loaded.issues.count, Date().timeIntervalSince(start) * 1000))
            }
            return
        }
        let cluster = ClusterGenerator(seed: seed).cluster(services: services)
        let pages: [(ObjectKind, Data)] = [(.service, try Self.page("ServiceList", cluster.services)),
                                           (.endpointSlice, try Self.page("EndpointSliceList", cluster.slices))]
        for (kind, data) in pages {
            var times: [Double] = []
            var count = 0
            for _ in 0..<reps {
                let start = Date()
                count = try ListPage.decode(kind, data).objects.filter { if case .success = $0 { return true } else { return false } }.count
                times.append(Date().timeIntervalSince(start))
            }
            print(String(format: "%@ %d objects, %.1f MB: one pass %.0f ms", kind.rawValue, count, Double(data.count) / 1e6, times.min()! * 1000))
        }
    }

    static func page<T: Encodable>(_ kind: String, _ items: [T]) throws -> Data {
        let body = try JSONEncoder().encode(items)
        return Data("{\"kind\":\"\(kind)\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":".utf8) + body + Data("}".utf8)
    }
}
