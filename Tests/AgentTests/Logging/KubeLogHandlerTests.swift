import Agent
import Foundation
import Logging
import Synchronization
import Testing

/// `--logging-format text|json` and held-back repeats (issue 18).
@Suite struct KubeLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(_ format: KubeLogHandler.Format, _ lines: Lines) -> Logger {
        Logger(label: "test") { label in
            KubeLogHandler(label: label, format: format, level: .info, repeats: RepeatFilter()) { line in lines.lines.withLock { $0.append(line) } }
        }
    }

    @Test func textIsLogfmtWithTheMessageFirst() {
        let lines = Lines()
        logger(.text, lines).info("synced: +2 -2", metadata: ["reason": "changes", "read": "cached", "note": "two words"])
        let line = lines.all.first ?? ""
        #expect(line.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z info "synced: \+2 -2" note="two words" read=cached reason=changes$"#,
                           options: .regularExpression) != nil, "\(line)")
    }

    @Test func jsonIsOneObjectPerLine() throws {
        let lines = Lines()
        logger(.json, lines).warning("port taken", metadata: ["address": "0.0.0.0:30000", "service": "ns/svc"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "port taken" && object["level"] as? String == "warning")
        #expect(object["service"] as? String == "ns/svc" && object["ts"] is Double)
        #expect(!lines.all[0].contains("\\/"))
    }

    @Test func repeatedErrorsAreHeldBackAndCounted() {
        let lines = Lines()
        let log = logger(.text, lines)
        for _ in 0..<5 { log.error("manifest not loaded", metadata: ["file": "bad.yaml"]) }
        log.info("synced")
        #expect(lines.all.count == 3, "\(lines.all)")
        #expect(lines.all[1].contains("previous message repeated 4 more times"))
        // Info lines are never held back.
        log.info("synced")
        #expect(lines.all.count == 4)
    }
}
