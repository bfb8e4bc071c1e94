import NetlinkBridgeTesting
import Testing
import Reconciler
@testable import NetlinkBridge

/// Large tables read on two sockets at once give exactly what one socket reads, and a table
/// changed by another writer during such a read is read again at one generation.
@Suite(.enabled(if: TestNetns.enabled, "KPX_NETNS_TESTS=0 turns off namespace tests"))
struct LiveParallelReadTests {
    @Test func twoReadersReadWhatOneReads() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: KubeStyleRuleset.benchNat(services: 1000)) as String
        let parallel = try NftClient(netns: ns.name)
        parallel.readParallelism = 2
        let single = try NftClient(netns: ns.name)
        single.readParallelism = 1
        let two = try #require(try parallel.liveTable(family: .ipv4, table: .nat))
        let one = try #require(try single.liveTable(family: .ipv4, table: .nat))
        #expect(two.table.chains.count > parallel.parallelReadMinChains)
        #expect(parallel.extraReaders.count == 1)
        #expect(single.extraReaders.isEmpty)
        #expect(two == one)
        #expect(try parallel.liveTable(family: .ipv4, table: .nat) == one)
        #expect(parallel.extraReaders.count == 1, "the extra reader is kept and reused")
    }

    @Test func tableChangedDuringAParallelReadIsReadAgain() throws {
        let ns = try TestNetns()
        _ = try ns.exec(["iptables-restore"], input: KubeStyleRuleset.benchNat(services: 1000)) as String
        let writer = try NftClient(netns: ns.name)
        // The extra reader's socket commits a new chain (and a rule in the first group's chain)
        // from another socket as soon as its first dump answers.
        let client = NftClient(exchange: try NetlinkSocket(netns: ns.name), opener: {
            NftClient(exchange: InterposingExchange(try NetlinkSocket(netns: ns.name)) {
                try writer.commit(NftBatch(family: .ipv4, operations: [
                    .addChain(table: "nat", chain: "CONCURRENT"),
                    .addRule(try RuleEncoder.spec(Rule(target: .jump("CONCURRENT")), table: "nat", chain: "PREROUTING",
                                                  family: .ipv4), .append),
                ]))
            })
        })
        client.readParallelism = 2
        let read = try #require(try client.liveTable(family: .ipv4, table: .nat))
        // At least the snapshot retry; a chain dump running while the commit lands may also be redone.
        #expect(client.connection.redumps >= 1, "the generation moved during the first read")
        #expect(read.table.chains.contains { $0.name == "CONCURRENT" })
        #expect(read.table.chains.first { $0.name == "PREROUTING" }?.rules.last?.target == .jump("CONCURRENT"))
        let fresh = try NftClient(netns: ns.name)
        fresh.readParallelism = 1
        #expect(try fresh.liveTable(family: .ipv4, table: .nat) == read)
    }
}

struct ChainGroupTests {
    @Test func groupsAreContiguousAndCoverEveryChain() {
        #expect(NftClient.contiguousGroups(5, into: 2) == [0..<2, 2..<5])
        #expect(NftClient.contiguousGroups(30_008, into: 4).map(\.count) == [7502, 7502, 7502, 7502])
        #expect(NftClient.contiguousGroups(3, into: 1) == [0..<3])
    }
}
