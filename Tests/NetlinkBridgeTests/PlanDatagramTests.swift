import Foundation
import Testing
import Reconciler
@testable import NetlinkBridge

/// The datagram a plan is committed as: the `NftBatch` path against the bytes recorded from it.
struct PlanDatagramTests {
    @Test func referencePathMatchesTheRecordedDatagram() throws {
        let reference = try VariedPlan.referenceDatagram(try VariedPlan.plan(), echo: false)
        if ProcessInfo.processInfo.environment["KPX_RECORD_FIXTURES"] == "1" {
            let hex = ByteCoding.hex(reference)
            var lines = ["# VariedPlan.plan() committed through NftBatch (no echo, seqs from 7)"]
            var i = hex.startIndex
            while i < hex.endIndex {
                let j = hex.index(i, offsetBy: 128, limitedBy: hex.endIndex) ?? hex.endIndex
                lines.append(String(hex[i..<j])); i = j
            }
            try (lines.joined(separator: "\n") + "\n")
                .write(to: GoldenFile.directory.appendingPathComponent(VariedPlan.fixture), atomically: true, encoding: .utf8)
        }
        let recorded = try #require(try VariedPlan.recorded())
        #expect(reference == recorded)
    }
}
