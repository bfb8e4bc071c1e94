import Foundation
import Reconciler

/// A manifest's JSON decoded in one JSONDecoder pass into model values: a `*List`, an array of
/// objects, a single object, or (the YAML path) an array of documents each of which is one of
/// these. Every object is read straight into `Service` or `EndpointSlice`; one that cannot be
/// decoded is an issue of its own and the rest still count.
enum ManifestDocuments {
    /// How the top level of the bytes is laid out: one manifest, or a YAML stream's documents
    /// (with the line each starts on, for messages).
    enum Layout { case manifest, documents(lines: [Int]) }

    /// Decodes `data`; a body that is not JSON (or not a manifest) is one file issue.
    static func decode(_ data: Data, layout: Layout, source: String) -> LoadedObjects {
        let decoder = JSONDecoder()
        do {
            let documents: [Document]
            var sources: [String] = [source]
            switch layout {
            case .manifest:
                documents = [try decoder.decode(Document.self, from: data)]
            case .documents(let lines):
                documents = try decoder.decode([Document].self, from: data)
                sources = documents.indices.map { d in
                    "\(source) document \(d)" + (d < lines.count && lines[d] > 0 ? " (line \(lines[d]))" : "")
                }
            }
            var out = LoadedObjects()
            for (document, where_) in zip(documents, sources) { document.collect(source: where_, into: &out) }
            return out
        } catch {
            var out = LoadedObjects()
            out.issues.append(ManifestLoader.fileIssue(source, "malformed JSON: \(ManifestLoader.describe(error))"))
            return out
        }
    }
}

/// One document: nothing (`null`), a list of items (a `*List` object or a bare array) or one object.
private enum Document: Decodable {
    case empty
    case items(kind: String?, [Item]?)
    case object(Item)
    case notAnObject

    private enum Keys: String, CodingKey { case kind, items }

    init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), single.decodeNil() { self = .empty; return }
        if var array = try? decoder.unkeyedContainer() {
            self = .items(kind: nil, try Item.all(in: &array))
            return
        }
        guard let map = try? decoder.container(keyedBy: Keys.self) else { self = .notAnObject; return }
        let kind = try? map.decodeIfPresent(String.self, forKey: .kind)
        if let kind, kind.hasSuffix("List") {
            guard var array = try? map.nestedUnkeyedContainer(forKey: .items) else { self = .items(kind: kind, nil); return }
            self = .items(kind: kind, try Item.all(in: &array))
        } else {
            self = .object(try Item(from: decoder))
        }
    }

    func collect(source: String, into out: inout LoadedObjects) {
        switch self {
        case .empty: break
        case .notAnObject: out.issues.append(ManifestLoader.fileIssue(source, "document is not a mapping"))
        case .object(let item): item.collect(source: source, into: &out)
        case .items(let kind, nil):
            out.issues.append(ManifestLoader.fileIssue(source, "\(kind ?? "list") without items"))
        case .items(_, let items?):
            for (i, item) in items.enumerated() { item.collect(source: "\(source) item \(i)", into: &out) }
        }
    }
}

/// One object of a manifest: a Service, an EndpointSlice, another kind (ignored with a warning),
/// or why it cannot be used, named as far as its `kind` and `metadata` read.
private struct Item: Decodable {
    enum Value {
        case service(Service)
        case slice(EndpointSlice)
        case otherKind(String?)
        case notAnObject
        case failed(kind: String?, namespace: String?, name: String?, message: String)
    }
    var value: Value

    private enum Keys: String, CodingKey { case kind, metadata }
    private struct Meta: Decodable { var name: String?; var namespace: String? }

    /// Every element of `array`; an element that is not an object is an item of its own.
    static func all(in array: inout UnkeyedDecodingContainer) throws -> [Item] {
        var items: [Item] = []
        while !array.isAtEnd { items.append(try array.decode(Item.self)) }
        return items
    }

    init(from decoder: Decoder) throws {
        guard let map = try? decoder.container(keyedBy: Keys.self) else { value = .notAnObject; return }
        let kind = try? map.decodeIfPresent(String.self, forKey: .kind)
        do {
            switch kind {
            case "Service": value = .service(try Service(from: decoder))
            case "EndpointSlice": value = .slice(try EndpointSlice(from: decoder))
            default: value = .otherKind(kind)
            }
        } catch {
            let meta = (try? map.decodeIfPresent(Meta.self, forKey: .metadata)) ?? nil
            // Foundation reports a number that does not fit its field without the field's path.
            let message = error is DecodingError ? ManifestLoader.describe(error, below: decoder.codingPath.count)
                : (try? JSONValue(from: decoder))?.unrepresentableNumber() ?? "\(error)"
            value = .failed(kind: kind, namespace: meta?.namespace, name: meta?.name, message: "cannot decode: \(message)")
        }
    }

    func collect(source: String, into out: inout LoadedObjects) {
        switch value {
        case .service(var object):
            object.metadata.source = source
            out.services.append(object)
        case .slice(var object):
            object.metadata.source = source
            out.slices.append(object)
        case .otherKind(let kind):
            out.issues.append(KubeIssue(.warning, ObjectRef(kind: kind ?? "<no kind>", source: source), field: "kind",
                                        "ignored: only v1 Service and discovery.k8s.io/v1 EndpointSlice are read"))
        case .notAnObject:
            out.issues.append(ManifestLoader.fileIssue(source, "not an object"))
        case .failed(let kind, let namespace, let name, let message):
            out.issues.append(KubeIssue(.error, ObjectRef(kind: kind ?? "<no kind>", namespace: namespace, name: name, source: source),
                                        field: "", message))
        }
    }
}

/// Any JSON value, decoded only to find where a failed object holds a number no integer field can take.
private indirect enum JSONValue: Decodable {
    case number(Double)
    case array([JSONValue])
    case object([String: JSONValue])
    case other

    init(from decoder: Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let number = try? single.decode(Double.self) { self = .number(number) }
        else if let array = try? single.decode([JSONValue].self) { self = .array(array) }
        else if let object = try? single.decode([String: JSONValue].self) { self = .object(object) }
        else { self = .other }
    }

    /// "`path`: number N is not an integer in range", for the first such number (in key order).
    func unrepresentableNumber(at path: String = "") -> String? {
        switch self {
        case .number(let n):
            guard n != n.rounded() || abs(n) >= 9.2e18 else { return nil }
            return "\(path): number \(n) is not an integer in range"
        case .array(let items):
            return items.enumerated().lazy.compactMap { $1.unrepresentableNumber(at: "\(path)[\($0)]") }.first
        case .object(let fields):
            return fields.sorted { $0.key < $1.key }.lazy
                .compactMap { $1.unrepresentableNumber(at: path.isEmpty ? $0 : "\(path).\($0)") }.first
        case .other: return nil
        }
    }
}
