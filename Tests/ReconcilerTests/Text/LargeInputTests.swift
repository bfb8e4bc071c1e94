import Foundation
import Testing
@testable import Reconciler

/// Parsing restore/save text of kube-proxy's size (tens of thousands of lines).
/// Regression: the parser copied every command parsed so far on each new command (a copy of
/// the open table block kept the array shared), so a 22k-line iptables-save took 18 s to
/// parse in a debug build and ~0.9 s after the fix. Behaviour is checked here; speed only in
/// benchmarks.
@Suite struct LargeInputTests {
    @Test func twentyThousandRulesRoundTrip() throws {
        var text = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n"
        for i in 0..<2000 { text += ":KUBE-SVC-\(String(format: "%016d", i)) - [0:0]\n" }
        text += "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
        for i in 0..<2000 {
            let chain = "KUBE-SVC-\(String(format: "%016d", i))"
            text += "-A KUBE-SERVICES -d 172.30.\(i / 250).\(i % 250 + 1)/32 -p tcp -m comment --comment \"ns/s\(i):p80 cluster IP\" -m tcp --dport 80 -j \(chain)\n"
        }
        for i in 0..<2000 {
            let chain = "KUBE-SVC-\(String(format: "%016d", i))"
            for e in 0..<9 {
                text += "-A \(chain) -s 10.\(e).\(i / 250).\(i % 250 + 1)/32 -m comment --comment \"ns/s\(i):p80\" -j RETURN\n"
            }
        }
        text += "COMMIT\n"
        let ruleset = try RestoreParser.ruleset(text)
        let nat = try #require(ruleset[table: .nat])
        #expect(nat.chains.count == 2005)
        #expect(nat.chains.reduce(0) { $0 + $1.rules.count } == 20001)
        #expect(SaveRenderer.render(ruleset) == text)
    }
}
