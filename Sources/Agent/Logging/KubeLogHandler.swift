public import Foundation
public import Logging
import Synchronization

/// kube-proxy's `--logging-format`: `text` is one logfmt line per event with the message first
/// (`2026-12-04T06:45:12.123Z info "synced" reason=changes operations=4`), `json` one object per
/// line (`{"ts":…,"level":"info","msg":"synced","reason":"changes"}`). A warning or error
/// repeated with the same text within a minute is written once; the next different line says how
/// many were held back.
public struct KubeLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let format: Format
    let label: String
    let sink: @Sendable (String) -> Void
    let repeats: RepeatFilter

    public init(label: String, format: Format, level: Logger.Level, repeats: RepeatFilter = RepeatFilter(),
                sink: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.repeats = repeats
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let now = Date()
        let line = render(level: event.level, message: "\(event.message)", metadata: all, at: now)
        let key = event.level >= .warning ? "\(event.level) \(event.message) \(all.sorted { $0.key < $1.key })" : nil
        for out in repeats.admit(line, key: key, at: now, summary: { render(level: .info, message: "previous message repeated \($0) more times", metadata: [:], at: now) }) {
            sink(out)
        }
    }

    func render(level: Logger.Level, message: String, metadata: Logger.Metadata, at date: Date) -> String {
        let fields = metadata.sorted { $0.key < $1.key }
        switch format {
        case .text:
            let ts = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
            return "\(ts) \(level) \(Self.quoted(message))" + fields.map { " \($0.key)=\(Self.logfmt("\($0.value)"))" }.joined()
        case .json:
            var object: [String: Any] = ["ts": date.timeIntervalSince1970, "level": "\(level)", "msg": message, "logger": label]
            for (k, v) in fields { object[k] = "\(v)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// A bare value when it has no blank, quote or `=`, else quoted.
    static func logfmt(_ s: String) -> String {
        s.isEmpty || s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" }) ? quoted(s) : s
    }
}

/// Holds back a warning or error identical to the previous one within `window`.
public final class RepeatFilter: Sendable {
    private struct State { var key: String?; var since = Date.distantPast; var held = 0 }
    private let state = Mutex(State())
    let window: TimeInterval

    public init(window: TimeInterval = 60) { self.window = window }

    /// The lines to write for this event (none when held back).
    func admit(_ line: String, key: String?, at now: Date, summary: (Int) -> String) -> [String] {
        state.withLock { s in
            if let key, key == s.key, now.timeIntervalSince(s.since) < window {
                s.held += 1
                return []
            }
            let out = (s.held > 0 ? [summary(s.held)] : []) + [line]
            s.key = key
            s.since = now
            s.held = 0
            return out
        }
    }
}
