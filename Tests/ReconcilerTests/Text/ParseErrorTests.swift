import Testing
@testable import Reconciler

@Suite struct ParseErrorTests {
    /// Parses `text` and returns the error it must raise.
    func error(_ text: String, family: IPFamily = .ipv4) -> ParseError? {
        do {
            _ = try RestoreParser.ruleset(text, family: family)
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownTable() throws {
        let failure = try #require(error("*fliter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"))
        #expect(failure.line == 1)
        #expect(failure.column == 2)
        #expect(failure.description.contains("unknown table 'fliter'"))
        #expect(failure.description.contains("expected filter, nat"))
    }

    @Test func ruleForUndeclaredChain() throws {
        let failure = try #require(error("*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SVC-X -j RETURN\nCOMMIT\n"))
        #expect(failure.line == 3)
        #expect(failure.column == 4)
        #expect(failure.message.contains("chain 'KUBE-SVC-X' is not declared"))
    }

    @Test func jumpToMissingChain() throws {
        let failure = try #require(error("*nat\n:A - [0:0]\n-A A -j KUBE-SVC-GONE\nCOMMIT\n"))
        #expect(failure.line == 3)
        #expect(failure.message.contains("KUBE-SVC-GONE"))
    }

    @Test(arguments: ["10.0.0.300", "10.0.0.0/33", "fe80::1", "1.2.3", "abc"])
    func badCIDR(address: String) throws {
        let failure = try #require(error("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s \(address) -j DROP\nCOMMIT\n"))
        #expect(failure.line == 3)
        #expect(failure.column == 13)
        #expect(failure.message.contains("bad address"))
    }

    @Test(arguments: ["70000", "http", "-1", "90:80", "1:2:3"])
    func badPort(port: String) throws {
        let failure = try #require(error("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport \(port) -j DROP\nCOMMIT\n"))
        #expect(failure.line == 3)
        #expect(failure.message.contains("port") || failure.message.contains("option"))
    }

    @Test func unterminatedQuote() throws {
        let failure = try #require(error("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment \"open -j DROP\nCOMMIT\n"))
        #expect(failure.line == 3)
        #expect(failure.column == 31)
        #expect(failure.message == "unterminated quote")
    }

    @Test func truncatedFile() throws {
        let failure = try #require(error("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j DROP\n"))
        #expect(failure.line == 3)
        #expect(failure.message.contains("has no COMMIT"))
    }

    @Test func truncatedRule() throws {
        let failure = try #require(error("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport\nCOMMIT\n"))
        #expect(failure.line == 3)
        #expect(failure.message.contains("takes one value"))
    }

    @Test func unknownOption() throws {
        let failure = try #require(error("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT --frobnicate 3 -j DROP\nCOMMIT\n"))
        #expect(failure.column == 10)
        #expect(failure.message.contains("unknown option '--frobnicate'"))
    }

    @Test func userChainWithPolicy() throws {
        let failure = try #require(error("*filter\n:MINE ACCEPT [0:0]\nCOMMIT\n"))
        #expect(failure.line == 2)
    }

    @Test func commandOutsideTable() throws {
        let failure = try #require(error("-A INPUT -j DROP\n"))
        #expect(failure.line == 1)
        #expect(failure.expected == "*table first")
    }

    @Test func badCounters() throws {
        let failure = try #require(error("*filter\n:INPUT ACCEPT [x:0]\nCOMMIT\n"))
        #expect(failure.line == 2)
        #expect(failure.message.contains("bad counters"))
    }

    /// Found by fuzzing (Tests/Fixtures/fuzz/regressions/restore): a counters prefix with no
    /// command after it indexed an empty token list.
    @Test func countersWithoutCommand() throws {
        let failure = try #require(error("*filter\n[0:0]\nCOMMIT\n"))
        #expect(failure.line == 2)
        #expect(failure.message == "counters without a command")
    }
}
