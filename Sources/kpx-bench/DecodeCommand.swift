import ArgumentParser
import ClusterSource
import Foundation
import Reconciler

/// `kpx-bench decode`: the API list path's decoding of a generated cluster's Services and
/// EndpointSlices as one JSON list page each, the earlier way (JSONSerialization, every item
/// re-serialised and decoded twice) against one JSONDecoder pass over the page.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Time the API list decoding (old vs one pass).")

    @Option var services: Int = 10000
    @Option var seed: UInt64 = 42
    @Option var reps = 3

    func run() throws {
        let cluster = ClusterGenerator(seed: seed).cluster(services: services)
        let pages: [(ObjectKind, Data)] = [(.service, try Self.page("ServiceList", cluster.services)),
                                           (.endpointSlice, try Self.page("EndpointSliceList", cluster.slices))]
        for (kind, data) in pages {
            var old: [Double] = [], new: [Double] = []
            var counts = (0, 0)
            for _ in 0..<reps {
                var start = Date()
                counts.0 = try ListPage.parse(data).items.filter { if case .success = WireFormat.object(kind, from: $0) { return true } else { return false } }.count
                old.append(Date().timeIntervalSince(start))
                start = Date()
                counts.1 = try ListPage.decode(kind, data).objects.filter { if case .success = $0 { return true } else { return false } }.count
                new.append(Date().timeIntervalSince(start))
            }
            let mb = Double(data.count) / 1e6
            print(String(format: "%@ %d objects, %.1f MB: per-item path %.0f ms, one pass %.0f ms (%.1fx)", kind.rawValue, counts.1, mb,
                         old.min()! * 1000, new.min()! * 1000, old.min()! / new.min()!))
            guard counts.0 == counts.1 else { throw ValidationError("the two paths decoded \(counts.0) and \(counts.1) objects") }
        }
    }

    static func page<T: Encodable>(_ kind: String, _ items: [T]) throws -> Data {
        let body = try JSONEncoder().encode(items)
        return Data("{\"kind\":\"\(kind)\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":".utf8) + body + Data("}".utf8)
    }
}
