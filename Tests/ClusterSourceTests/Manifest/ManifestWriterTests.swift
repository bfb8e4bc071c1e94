import ClusterSource
import Reconciler
import ReconcilerTesting
import Testing

/// Generated clusters written as YAML read back as the same objects.
@Suite struct ManifestWriterTests {
    @Test func generatedClusterRoundTripsThroughYAML() throws {
        let cluster = ClusterGenerator(seed: 11).cluster(services: 120)
        let text = try ManifestWriter.yaml(services: cluster.services, slices: cluster.slices)
        let loaded = ManifestLoader.parse(text, source: "generated.yaml")
        #expect(loaded.issues.isEmpty)
        #expect(loaded.services.map { var s = $0; s.metadata.source = nil; return s } == cluster.services)
        #expect(loaded.slices.map { var s = $0; s.metadata.source = nil; return s } == cluster.slices)
        #expect(loaded.services.first?.metadata.source == "generated.yaml document 0 (line 2)", "\(loaded.services.first?.metadata.source ?? "")")
    }
}
