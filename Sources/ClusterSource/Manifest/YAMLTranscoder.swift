import Foundation
import Yams

/// YAML manifests as the JSON the API server would see (what `kubectl` and sigs.k8s.io/yaml do):
/// every document of the stream becomes one element of a JSON array, which
/// `ManifestDocuments` decodes in one pass. Scalars keep YAML's types: a plain `80` is a number,
/// a quoted `"80"` a string, `true`/`false` booleans, `~`/`null`/empty null.
///
/// Yams composes each document with the rule-less resolver (its default one runs a regular
/// expression per scalar, most of the old path's time); plain scalars are typed here by hand.
enum YAMLTranscoder {
    /// A YAML stream that cannot be parsed, with libyaml's line and column.
    struct SyntaxError: Error, CustomStringConvertible {
        var description: String
    }

    /// The stream's documents as a JSON array, and the line each document starts on.
    static func documents(_ text: String) throws -> (json: [UInt8], lines: [Int]) {
        var out = JSONBytes()
        var lines: [Int] = []
        out.bytes.reserveCapacity(text.utf8.count + text.utf8.count / 4)
        out.bytes.append(UInt8(ascii: "["))
        do {
            let parser = try Parser(yaml: text, resolver: .basic)
            var first = true
            while let root = try parser.nextRoot() {
                if !first { out.bytes.append(UInt8(ascii: ",")) }
                first = false
                lines.append(root.mark?.line ?? 0)
                try out.node(root)
            }
        } catch let error as SyntaxError {
            throw error
        } catch {
            throw SyntaxError(description: "\(error)")
        }
        out.bytes.append(UInt8(ascii: "]"))
        return (out.bytes, lines)
    }
}

/// A JSON text under construction.
private struct JSONBytes {
    var bytes: [UInt8] = []

    mutating func node(_ node: Node) throws {
        switch node {
        case .scalar(let scalar): self.scalar(scalar)
        case .sequence(let sequence):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in sequence.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                try self.node(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .mapping(let mapping):
            bytes.append(UInt8(ascii: "{"))
            for (i, pair) in mapping.enumerated() {
                guard let key = pair.key.scalar else {
                    throw YAMLTranscoder.SyntaxError(description: "line \(pair.key.mark?.line ?? 0): a mapping key must be a scalar")
                }
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key.string)
                bytes.append(UInt8(ascii: ":"))
                try self.node(pair.value)
            }
            bytes.append(UInt8(ascii: "}"))
        case .alias:
            throw YAMLTranscoder.SyntaxError(description: "line \(node.mark?.line ?? 0): unresolved alias")
        }
    }

    mutating func scalar(_ scalar: Node.Scalar) {
        let text = scalar.string
        guard scalar.style == .plain, scalar.tag.description != Tag.Name.str.rawValue else {
            string(text)
            return
        }
        switch PlainScalar.type(of: text) {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let json): bytes.append(contentsOf: json.utf8)
        case .string: string(text)
        }
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// YAML 1.2 core-schema typing of a plain scalar (the forms Kubernetes manifests use).
enum PlainScalar: Equatable {
    case null
    case bool(Bool)
    /// The number in JSON syntax.
    case number(String)
    case string

    static func type(of text: String) -> PlainScalar {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return .string }
        return number(text).map { .number($0) } ?? .string
    }

    /// Decimal, `0x`/`0o` integers and decimal floats; `.inf`/`.nan` stay strings (JSON has none).
    private static func number(_ text: String) -> String? {
        let unsigned = text.hasPrefix("+") ? String(text.dropFirst()) : text
        if let value = Int(unsigned) { return String(value) }
        // An integer beyond Int stays an integer: the decoder reports it at its field.
        let magnitude = unsigned.hasPrefix("-") ? unsigned.dropFirst() : Substring(unsigned)
        if !magnitude.isEmpty, magnitude.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            let digits = magnitude.drop { $0 == "0" }
            return (unsigned.hasPrefix("-") ? "-" : "") + (digits.isEmpty ? "0" : String(digits))
        }
        if unsigned.hasPrefix("0x"), let value = Int(unsigned.dropFirst(2), radix: 16) { return String(value) }
        if unsigned.hasPrefix("0o"), let value = Int(unsigned.dropFirst(2), radix: 8) { return String(value) }
        let digits = unsigned.hasPrefix("-") ? unsigned.dropFirst() : Substring(unsigned)
        guard digits.contains(where: { $0.isNumber }),
              digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+") }),
              let value = Double(unsigned), value.isFinite else { return nil }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
