import Foundation
import Testing
@testable import Reconciler

@Suite struct SemanticEqualityTests {
    func rule(_ text: String, family: IPFamily = .ipv4) throws -> Rule {
        let ruleset = try RestoreParser.ruleset("*nat\n:X - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-SVC-A - [0:0]\n-A X \(text)\nCOMMIT\n", family: family)
        return try #require(ruleset[table: .nat]?[chain: "X"]?.rules.first)
    }

    @Test(arguments: [
        ("-j MARK --or-mark 0x4000", "-j MARK --set-xmark 0x4000/0x4000"),
        ("-j MARK --xor-mark 0x4000", "-j MARK --set-xmark 0x4000/0x0"),
        ("-j MARK --and-mark 0x4000", "-j MARK --set-xmark 0x0/0xffffbfff"),
        ("-d 1.2.3.4 -j RETURN", "-d 1.2.3.4/32 -j RETURN"),
        ("-d 10.1.2.3/8 -j RETURN", "-d 10.0.0.0/8 -j RETURN"),
        ("-p tcp -d 1.2.3.4 -s 5.6.7.8 -j RETURN", "-s 5.6.7.8/32 -d 1.2.3.4/32 -p tcp -j RETURN"),
        ("-o eth0 -i lo -j RETURN", "-i lo -o eth0 -j RETURN"),
        ("-m comment --comment \"x\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-A",
         "-d 172.30.0.41/32 -p tcp -m comment --comment x -m tcp --dport 80 -j KUBE-SVC-A"),
        ("-p tcp --dport 80 -j RETURN", "-p tcp -m tcp --dport 80 -j RETURN"),
        ("-m statistic --mode random --probability 0.5000000000 -j RETURN",
         "-m statistic --mode random --probability 0.50000000000 -j RETURN"),
        ("-m statistic --mode random --probability 0.3333333333 -j RETURN",
         "-m statistic --mode random --probability 0.33333333349 -j RETURN"),
        ("-j REJECT", "-j REJECT --reject-with icmp-port-unreachable"),
        ("-m recent --name KUBE-SEP-A --rcheck --seconds 10800 --reap -j RETURN",
         "-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-A --mask 255.255.255.255 --rsource -j RETURN"),
        ("-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN", "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN"),
        ("-p tcp --syn -j RETURN", "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j RETURN"),
        ("-j MARK --set-mark 0x10", "-j MARK --set-xmark 0x10/0xffffffff"),
        ("-m mark --mark 16/0xff -j RETURN", "-m mark --mark 0x10/0xff -j RETURN"),
    ])
    func spellingsAreEqual(written: String, saved: String) throws {
        let lhs = try rule(written), rhs = try rule(saved)
        #expect(lhs == rhs)
        #expect(SaveRenderer.render(lhs, family: .ipv4) == saved.replacingOccurrences(of: "--comment x", with: "--comment x"))
    }

    @Test func differentRulesDiffer() throws {
        #expect(try rule("-d 1.2.3.4 -j RETURN") != rule("! -d 1.2.3.4 -j RETURN"))
        #expect(try rule("-m comment --comment a -m tcp -p tcp --dport 80 -j RETURN")
                != rule("-p tcp -m tcp --dport 80 -m comment --comment a -j RETURN"))
        #expect(try rule("-j KUBE-SVC-A") != rule("-g KUBE-SVC-A"))
    }

    @Test func unknownExtensionsKeepTheirText() throws {
        let parsed = try rule("-m owner --uid-owner 0 ! --gid-owner 5 -j NFLOG --nflog-group 100 --nflog-prefix \"a b\"")
        #expect(parsed.matches == [.unknown(UnknownExtension(name: "owner", options: "--uid-owner 0 ! --gid-owner 5"))])
        #expect(parsed.target == .unknown(UnknownExtension(name: "NFLOG", options: "--nflog-group 100 --nflog-prefix \"a b\"")))
        #expect(SaveRenderer.render(parsed, family: .ipv4)
                == "-m owner --uid-owner 0 ! --gid-owner 5 -j NFLOG --nflog-group 100 --nflog-prefix \"a b\"")
    }

    @Test func typedMatchWithUnsupportedOptionFallsBackToText() throws {
        let parsed = try rule("-m conntrack --ctorigsrc 1.2.3.4 -j RETURN")
        #expect(parsed.matches == [.unknown(UnknownExtension(name: "conntrack", options: "--ctorigsrc 1.2.3.4"))])
    }

    @Test func ipv6Rules() throws {
        let parsed = try rule("-s 2001:DB8:0:0:0:0:0:1 -d fd00::/8 -p tcp -j DNAT --to-destination [fd00::1]:80", family: .ipv6)
        #expect(SaveRenderer.render(parsed, family: .ipv6) == "-s 2001:db8::1/128 -d fd00::/8 -p tcp -j DNAT --to-destination [fd00::1]:80")
    }

    @Test func probabilityIsTheKernelValue() throws {
        let parsed = try rule("-m statistic --mode random --probability 0.5 -j RETURN")
        #expect(parsed.matches == [.statistic(StatisticMatch(mode: .random(probability: 0x4000_0000)))])
    }
}
