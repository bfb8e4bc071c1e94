import ClusterSource
import Foundation
import Reconciler
import Testing

@Suite struct ManifestLoaderTests {
    let svcYAML = """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: ns}
        spec:
          clusterIP: 172.30.0.1
          ports: [{name: http, port: 80, targetPort: http}]
        """

    @Test func multiDocumentYAMLWithUnknownKinds() {
        let text = svcYAML + """

            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: web-1, namespace: ns, labels: {kubernetes.io/service-name: web}}
            addressType: IPv4
            endpoints: [{addresses: [10.0.0.1], conditions: {ready: true}}]
            ports: [{name: http, port: 8080, protocol: TCP}]
            """
        let r = ManifestLoader.parse(text, source: "x.yaml")
        #expect(r.services.count == 1 && r.slices.count == 1)
        #expect(r.issues.count == 1 && r.issues[0].severity == .warning && r.issues[0].object.kind == "ConfigMap")
        #expect(r.services[0].spec.ports?[0].targetPort == .string("http"))
    }

    @Test func brokenObjectDoesNotHideOthers() {
        let text = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Service
              metadata: {name: bad, namespace: ns}
              spec: {clusterIP: 172.30.0.2, ports: [{port: eighty}]}
            - apiVersion: v1
              kind: Service
              metadata: {name: good, namespace: ns}
              spec: {clusterIP: 172.30.0.3, ports: [{port: 80}]}
            """
        let r = ManifestLoader.parse(text, source: "list.yaml")
        #expect(r.services.map(\.metadata.name) == ["good"])
        #expect(r.issues.count == 1)
        let issue = r.issues[0]
        #expect(issue.object.name == "bad" && issue.severity == .error)
        #expect(issue.message.contains("spec.ports[0].port"))
    }

    /// A malformed file changes nothing: the documents before the bad one are not used either, and
    /// the error says where (libyaml's line and column).
    @Test func malformedYAMLIsReportedWithoutCrashing() {
        let r = ManifestLoader.parse(svcYAML + "\n---\nkind: Service\nmetadata: {name: [unterminated\n", source: "bad.yaml")
        #expect(r.services.isEmpty)
        #expect(r.issues.count == 1 && r.issues.allSatisfy { $0.severity == .error && $0.message.contains("malformed YAML") && $0.message.contains("line") },
                "\(r.issues)")
    }

    @Test func jsonListFromKubectl() {
        let json = """
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"v1","kind":"Service","metadata":{"name":"a","namespace":"ns"},
               "spec":{"clusterIP":"172.30.0.1","ports":[{"name":"p","port":80,"protocol":"TCP","targetPort":8080}]}},
              {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
               "metadata":{"name":"a-x","namespace":"ns","labels":{"kubernetes.io/service-name":"a"}},
               "addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"],"nodeName":"n1",
               "hints":{"forZones":[{"name":"z1"}]}}],"ports":[{"name":"p","port":8080,"protocol":"TCP"}]},
              {"apiVersion":"v1","kind":"Service","metadata":{"name":"b"},"spec":{"ports":"oops"}}
            ]}
            """
        let r = ManifestLoader.parse(json, source: "x.json")
        #expect(r.services.count == 1 && r.slices.count == 1)
        #expect(r.slices[0].endpoints?[0].hints?.forZones?.first?.name == "z1")
        #expect(r.issues.count == 1 && r.issues[0].object.name == "b")
        #expect(ManifestLoader.parse("{\"kind\": ", source: "t.json").issues.first?.message.contains("malformed JSON") == true)
    }

    @Test func missingFileIsAnIssue() {
        let r = ManifestLoader.load(files: ["/nonexistent/kpx.yaml"])
        #expect(r.issues.count == 1 && r.issues[0].object.kind == "File")
    }

    @Test func singleObjectFile() {
        let r = ManifestLoader.parse(svcYAML, source: "one.yaml")
        #expect(r.services.count == 1 && r.issues.isEmpty)
        let (state, issues) = ClusterState.validating(services: r.services, slices: r.slices)
        #expect(issues.isEmpty && state.services.first?.ports.first?.port == 80)
    }
}
