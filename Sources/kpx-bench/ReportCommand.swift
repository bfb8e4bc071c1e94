import ArgumentParser
import Foundation

/// `kpx-bench report`: merges results.json files of several runs (later ones win for the same
/// scenario and size) and writes results.json / results.md again.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Merge and re-render results.json files.")

    @Argument(help: "results.json files.") var inputs: [String]
    @Option(help: "Output directory.") var output: String

    func run() throws {
        var merged: Report?
        for path in inputs {
            let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            guard var m = merged else { merged = report; continue }
            m.results.removeAll { r in report.results.contains { $0.id == r.id && $0.n == r.n } }
            m.results += report.results
            m.sizes = Array(Set(m.sizes + report.sizes)).sorted()
            m.command += " ; " + report.command
            m.machine.loadAverageAfter = report.machine.loadAverageAfter
            m.machine.finished = report.machine.finished
            merged = m
        }
        guard var report = merged else { throw BenchError("no input") }
        report.results.sort { ($0.n, 0) < ($1.n, 0) }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try report.write(to: output)
    }
}
