import Foundation
import Reconciler
import Yams

/// YAML manifests: multi-document streams, `kind: List` (or `*List`) documents, single objects.
enum YAMLManifest {
    static func parse(_ text: String, source: String) -> LoadedObjects {
        var out = LoadedObjects()
        do {
            var index = 0
            var docs = try Yams.compose_all(yaml: text)
            while let doc = docs.next() {
                collect(doc, source: "\(source) document \(index)", into: &out)
                index += 1
            }
            // Yams stops at the first malformed document and keeps the error on the sequence.
            if let error = docs.error { throw error }
        } catch {
            out.issues.append(ManifestLoader.fileIssue(source, "malformed YAML: \(error)"))
        }
        return out
    }

    static func collect(_ doc: Node, source: String, into out: inout LoadedObjects) {
        guard let map = doc.mapping else {
            if doc.null == nil { out.issues.append(ManifestLoader.fileIssue(source, "document is not a mapping")) }
            return
        }
        let kind = map["kind"]?.string
        if let kind, kind.hasSuffix("List") {
            guard let items = map["items"]?.sequence else {
                out.issues.append(ManifestLoader.fileIssue(source, "\(kind) without items"))
                return
            }
            for (i, item) in items.enumerated() { object(item, source: "\(source) item \(i)", into: &out) }
        } else {
            object(doc, source: source, into: &out)
        }
    }

    static func object(_ node: Node, source: String, into out: inout LoadedObjects) {
        let kind = node.mapping?["kind"]?.string
        let decoder = YAMLDecoder()
        let meta = node.mapping?["metadata"]?.mapping
        ManifestLoader.accept(kind: kind, namespace: meta?["namespace"]?.string, name: meta?["name"]?.string,
                              source: source, into: &out,
                              service: { try decoder.decode(Service.self, from: node) },
                              slice: { try decoder.decode(EndpointSlice.self, from: node) })
    }
}

/// JSON manifests (`kubectl get -o json`): a List, an array, or a single object.
enum JSONManifest {
    static func parse(_ text: String, source: String) -> LoadedObjects {
        var out = LoadedObjects()
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            out.issues.append(ManifestLoader.fileIssue(source, "malformed JSON: \(error.localizedDescription)"))
            return out
        }
        if let array = value as? [Any] {
            for (i, item) in array.enumerated() { object(item, source: "\(source) item \(i)", into: &out) }
        } else if let map = value as? [String: Any], let kind = map["kind"] as? String, kind.hasSuffix("List") {
            let items = map["items"] as? [Any] ?? []
            for (i, item) in items.enumerated() { object(item, source: "\(source) item \(i)", into: &out) }
        } else {
            object(value, source: source, into: &out)
        }
        return out
    }

    static func object(_ value: Any, source: String, into out: inout LoadedObjects) {
        guard let map = value as? [String: Any], let data = try? JSONSerialization.data(withJSONObject: map) else {
            out.issues.append(ManifestLoader.fileIssue(source, "not a JSON object"))
            return
        }
        let decoder = JSONDecoder()
        let meta = map["metadata"] as? [String: Any]
        ManifestLoader.accept(kind: map["kind"] as? String, namespace: meta?["namespace"] as? String,
                              name: meta?["name"] as? String, source: source, into: &out,
                              service: { try decoder.decode(Service.self, from: data) },
                              slice: { try decoder.decode(EndpointSlice.self, from: data) })
    }
}
