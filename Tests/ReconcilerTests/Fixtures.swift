import Foundation

/// Reads files under `Tests/Fixtures`.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func files(in folder: String, suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            .filter { $0.hasSuffix(suffix) }.sorted().map { "\(folder)/\($0)" }
    }

    /// Lines as a parser sees them: CR/LF split, leading blanks trimmed, no blank or `#` lines,
    /// chain counters zeroed.
    static func normalized(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            .map { String($0.drop { $0 == " " || $0 == "\t" }) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map(zeroCounters)
    }

    static func zeroCounters(_ line: String) -> String {
        guard line.hasPrefix(":"), let open = line.lastIndex(of: "[") else { return line }
        return line[..<open] + "[0:0]"
    }
}
