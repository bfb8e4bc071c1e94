public import Foundation
public import Reconciler

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
                all.merge(parse(try Data(contentsOf: URL(fileURLWithPath: path)), source: path))
            } catch {
                all.issues.append(fileIssue(path, "cannot read: \(error.localizedDescription)"))
            }
        }
        return all
    }

    /// Parses manifest text (JSON if it starts with `{` or `[`, YAML otherwise).
    public static func parse(_ text: String, source: String) -> LoadedObjects {
        parse(Data(text.utf8), source: source)
    }

    /// Parses manifest bytes: JSON (first non-blank byte `{` or `[`) decoded in one pass, or a YAML
    /// stream transcoded to JSON and decoded the same way. Bytes that are not UTF-8 change nothing.
    public static func parse(_ data: Data, source: String) -> LoadedObjects {
        let first = data.first { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return ManifestDocuments.decode(data, layout: .manifest, source: source)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return failed(source, "not UTF-8")
        }
        do {
            let (json, lines) = try YAMLTranscoder.documents(text)
            return ManifestDocuments.decode(Data(json), layout: .documents(lines: lines), source: source)
        } catch {
            return failed(source, "malformed YAML: \(error)")
        }
    }

    static func failed(_ source: String, _ message: String) -> LoadedObjects {
        var out = LoadedObjects()
        out.issues.append(fileIssue(source, message))
        return out
    }

    /// The `ObjectRef.kind` of issues about a whole file (unreadable, malformed): such a file
    /// changes nothing. Issues about one object name the object's kind.
    public static let fileKind = "File"

    static func fileIssue(_ source: String, _ message: String) -> KubeIssue {
        KubeIssue(.error, ObjectRef(kind: fileKind, name: source), field: "", message)
    }

    /// A short description of a decoding error with its field path.
    /// `below` coding-path components (where the object sits in its file) are left out.
    static func describe(_ error: Error, below: Int = 0) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.dropFirst(below).map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
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
