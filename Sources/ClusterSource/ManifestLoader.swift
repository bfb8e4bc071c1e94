import Foundation
import Reconciler
import Yams

/// Services and EndpointSlices read from manifests, with every problem found on the way.
public struct LoadedObjects: Sendable {
    public var services: [Service] = []
    public var slices: [EndpointSlice] = []
    public var issues: [KubeIssue] = []

    public init() {}

    mutating func merge(_ other: LoadedObjects) {
        services += other.services
        slices += other.slices
        issues += other.issues
    }
}

/// Reads `kubectl get -o yaml|json` output (a `v1 List`), multi-document YAML or single objects.
/// Each object is decoded on its own: a broken object is reported and the rest still count.
public enum ManifestLoader {
    /// Loads every file; unreadable files are reported as issues.
    public static func load(files: [String]) -> LoadedObjects {
        var all = LoadedObjects()
        for path in files {
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                all.merge(parse(text, source: path))
            } catch {
                all.issues.append(fileIssue(path, "cannot read: \(error.localizedDescription)"))
            }
        }
        return all
    }

    /// Parses manifest text (JSON if it starts with `{` or `[`, YAML otherwise).
    public static func parse(_ text: String, source: String) -> LoadedObjects {
        let first = text.first { !$0.isWhitespace }
        return first == "{" || first == "[" ? JSONManifest.parse(text, source: source) : YAMLManifest.parse(text, source: source)
    }

    /// The `ObjectRef.kind` of issues about a whole file (unreadable, malformed): such a file
    /// changes nothing. Issues about one object name the object's kind.
    public static let fileKind = "File"

    static func fileIssue(_ source: String, _ message: String) -> KubeIssue {
        KubeIssue(.error, ObjectRef(kind: fileKind, name: source), field: "", message)
    }

    /// Dispatches on `kind`; unknown kinds are ignored with a warning.
    static func accept(kind: String?, namespace: String?, name: String?, source: String, into out: inout LoadedObjects,
                       service: () throws -> Service, slice: () throws -> EndpointSlice) {
        do {
            switch kind {
            case "Service":
                var object = try service()
                object.metadata.source = source
                out.services.append(object)
            case "EndpointSlice":
                var object = try slice()
                object.metadata.source = source
                out.slices.append(object)
            default:
                out.issues.append(KubeIssue(.warning, ObjectRef(kind: kind ?? "<no kind>", source: source), field: "kind",
                                            "ignored: only v1 Service and discovery.k8s.io/v1 EndpointSlice are read"))
            }
        } catch {
            out.issues.append(KubeIssue(.error, ObjectRef(kind: kind ?? "<no kind>", namespace: namespace, name: name,
                                                          source: source), field: "", "cannot decode: \(describe(error))"))
        }
    }

    /// A short description of a decoding error with its field path.
    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch e {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(path(c)): \(c.debugDescription)"
        case .keyNotFound(let k, let c):
            return "\(path(c)): missing field \(k.stringValue)"
        @unknown default:
            return "\(error)"
        }
    }
}
