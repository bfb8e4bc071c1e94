import Foundation
import Reconciler

/// A generated cluster's objects as the API server and `kubectl get -o json|yaml` show them: the
/// model's fields plus what a real object carries and kube-proxy skips (uid, creationTimestamp,
/// resourceVersion, managedFields, selector, targetRef), so decoding is measured on real-sized input.
enum APIObjectJSON {
    /// A Service or EndpointSlice as a JSON object (kind and apiVersion included).
    static func object<T: Encodable>(_ value: T, kind: String, apiVersion: String, resourceVersion: Int,
                                     triggerTime: Date? = nil) -> [String: Any] {
        var object = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(value))) as? [String: Any] ?? [:]
        object["kind"] = kind
        object["apiVersion"] = apiVersion
        var meta = object["metadata"] as? [String: Any] ?? [:]
        let name = meta["name"] as? String ?? ""
        meta["uid"] = uuid(name + kind)
        meta["resourceVersion"] = String(resourceVersion)
        meta["creationTimestamp"] = "2026-11-30T09:12:44Z"
        meta["managedFields"] = [["apiVersion": apiVersion, "fieldsType": "FieldsV1", "manager": "kube-controller-manager",
                                  "operation": "Update", "time": "2026-11-30T09:12:44Z",
                                  "fieldsV1": ["f:metadata": ["f:labels": [".": [:] as [String: Any]]]]]]
        if let triggerTime {
            meta["annotations"] = [WireFormatNames.triggerTime: ISO8601Format.fractional(triggerTime)]
        }
        object["metadata"] = meta
        if kind == "Service", var spec = object["spec"] as? [String: Any] {
            spec["selector"] = ["app": name]
            object["spec"] = spec
        }
        return object
    }

    static func data(_ object: Any) -> Data { (try? JSONSerialization.data(withJSONObject: object)) ?? Data() }

    /// `kubectl get -o json` of every object: a `v1 List`.
    static func list(_ items: [[String: Any]]) -> Data {
        data(["apiVersion": "v1", "kind": "List", "metadata": ["resourceVersion": ""], "items": items] as [String: Any])
    }

    static func uuid(_ seed: String) -> String {
        var h: UInt64 = 1469598103934665603
        for b in seed.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        let hex = String(format: "%016llx", h)
        return "\(hex.prefix(8))-\(hex.dropFirst(8).prefix(4))-4\(hex.dropFirst(12).prefix(3))-a000-\(hex.prefix(12))"
    }
}

enum WireFormatNames {
    static let triggerTime = "endpoints.kubernetes.io/last-change-trigger-time"
}

enum ISO8601Format {
    /// RFC 3339 with milliseconds, as the endpointslice controller writes trigger times.
    static func fractional(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
}

/// Block-style YAML of JSON-like values, in kubectl's layout (plain scalars where YAML reads them
/// back as strings, double quotes otherwise).
enum YAMLText {
    static func list(_ items: [[String: Any]]) -> String {
        var out = "apiVersion: v1\nitems:\n"
        for item in items { sequenceItem(item, indent: "", into: &out) }
        out += "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
        return out
    }

    private static func sequenceItem(_ value: Any, indent: String, into out: inout String) {
        if let map = value as? [String: Any], !map.isEmpty {
            var first = true
            for key in map.keys.sorted() {
                out += first ? indent + "- " : indent + "  "
                first = false
                entry(key, map[key]!, indent: indent + "  ", into: &out)
            }
        } else {
            out += indent + "- " + scalar(value) + "\n"
        }
    }

    private static func entry(_ key: String, _ value: Any, indent: String, into out: inout String) {
        out += scalar(key) + ":"
        if let map = value as? [String: Any], !map.isEmpty {
            out += "\n"
            for k in map.keys.sorted() {
                out += indent + "  "
                entry(k, map[k]!, indent: indent + "  ", into: &out)
            }
        } else if let array = value as? [Any], !array.isEmpty {
            out += "\n"
            for element in array { sequenceItem(element, indent: indent, into: &out) }
        } else {
            out += " " + scalar(value) + "\n"
        }
    }

    private static func scalar(_ value: Any) -> String {
        switch value {
        case let s as String:
            let plain = s.first.map { $0.isLetter } == true && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-./_".contains($0)) }
                && !["true", "false", "null", "yes", "no", "on", "off"].contains(s.lowercased())
            return plain ? s : String(decoding: (try? JSONSerialization.data(withJSONObject: s, options: .fragmentsAllowed)) ?? Data(), as: UTF8.self)
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        case is [String: Any]: return "{}"
        case is [Any]: return "[]"
        default: return "null"
        }
    }
}
