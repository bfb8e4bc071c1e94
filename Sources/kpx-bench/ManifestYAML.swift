import FoundationEssentials
import ClusterSource
import Reconciler
import ReconcilerTesting

enum ManifestYAML {
    static func write(_ cluster: GeneratedCluster, to path: String) throws {
        try ManifestWriter.yaml(services: cluster.services, slices: cluster.slices)
            .write(toFile: path, atomically: false, encoding: .utf8)
    }
}
