import Testing
@testable import Reconciler

/// Issue 16: a whole-table read that finishes while another writer keeps committing. The read
/// taken over a moving generation is brought to one generation by re-reading only the chains
/// the notifications name.
@Suite struct SettledReadTests {
    /// The kernel as a script: a read that straddled `through - generation` foreign commits, the
    /// state now, what the notifications say, and commits that land during the catch-up.
    final class MovingBackend: RulesetBackend {
        var now: ObservedRuleset
        let stale: ObservedRuleset
        let through: UInt32
        /// What each generation's transaction changed.
        var changes: [UInt32: [ChainRef: ChainFate]] = [:]
        /// Generations returned by successive `generation()` calls (then the last one).
        var generations: [UInt32]
        var fullReads = 0, chainReads = 0

        init(stale: Ruleset, now: Ruleset, from: UInt32, through: UInt32, generations: [UInt32]) {
            self.stale = { var o = ObservedRuleset.numbering(stale); o.generation = from; return o }()
            self.now = { var o = ObservedRuleset.numbering(now); o.generation = generations.last; return o }()
            self.through = through
            self.generations = generations
        }

        func generation() throws -> UInt32 { generations.count > 1 ? generations.removeFirst() : generations[0] }
        func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset { fullReads += 1; return now }
        func observeUnsettled(family: IPFamily, tables: [TableName]) throws -> (observed: ObservedRuleset, through: UInt32) {
            (stale, through)
        }
        func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
            chainReads += chains.count
            var out: [ChainRef: (rules: [Rule], handles: [UInt64])?] = [:]
            for ref in chains {
                guard let chain = now.ruleset[table: ref.table]?.chains.first(where: { $0.name == ref.chain }) else { out[ref] = .some(nil); continue }
                out[ref] = (chain.rules, now.handles[ref.table]?[ref.chain] ?? [])
            }
            return out
        }
        func commit(_ plan: Plan) throws {}
        func changedChains(family: IPFamily, from: UInt32, to: UInt32) throws -> [ChainRef: ChainFate]? {
            var all: [ChainRef: ChainFate] = [:]
            for g in (from + 1)...to {
                guard let one = changes[g] else { return nil }
                for (ref, fate) in one { ChainFate.merge(&all, ref, fate) }
            }
            return all
        }
    }

    static func nat(_ text: String) throws -> Ruleset { try RestoreParser.ruleset("*nat\n" + text + "COMMIT\n") }

    static func chains(_ o: ObservedRuleset) -> [String: [Rule]] {
        Dictionary(uniqueKeysWithValues: (o.ruleset[table: .nat]?.chains ?? []).map { ($0.name, $0.rules) })
    }

    static let svc = "KUBE-SVC-AAAAAAAAAAAAAAAA", newSEP = "KUBE-SEP-NNNNNNNNNNNNNNNN", oldSEP = "KUBE-SEP-OOOOOOOOOOOOOOOO"
    static let before = """
        :KUBE-SERVICES - [0:0]
        :\(svc) - [0:0]
        :\(oldSEP) - [0:0]
        :DOCKER - [0:0]
        -A \(svc) -j RETURN
        -A \(oldSEP) -j RETURN
        -A DOCKER -p tcp -m tcp --dport 1000 -j RETURN

        """
    static let after = """
        :KUBE-SERVICES - [0:0]
        :\(svc) - [0:0]
        :\(newSEP) - [0:0]
        :DOCKER - [0:0]
        -A \(svc) -s 10.0.0.1/32 -j RETURN
        -A \(svc) -j RETURN
        -A \(newSEP) -j RETURN
        -A DOCKER -p tcp -m tcp --dport 1000 -j RETURN
        -A DOCKER -p tcp -m tcp --dport 1001 -j RETURN

        """

    /// Our chains changed during the pass are read again; a foreign chain (DOCKER) is not: it never
    /// changes a plan, and a chain someone appends to all the time must not hold the read up.
    @Test func ourChainsChangedDuringTheReadAreReadAgainAndForeignOnesAreNot() throws {
        let b = MovingBackend(stale: try Self.nat(Self.before), now: try Self.nat(Self.after), from: 5, through: 7, generations: [7])
        b.changes[6] = [ChainRef(.nat, Self.svc): .rules, ChainRef(.nat, "DOCKER"): .rules]
        b.changes[7] = [ChainRef(.nat, Self.newSEP): .created, ChainRef(.nat, Self.oldSEP): .deleted]
        let settled = try SettledRead(backend: b, family: .ipv4, tables: [.nat]).read()
        let got = Self.chains(settled), now = Self.chains(b.now), stale = Self.chains(b.stale)
        #expect(got[Self.svc] == now[Self.svc] && got[Self.newSEP] == now[Self.newSEP] && got[Self.oldSEP] == nil)
        #expect(got["DOCKER"] == stale["DOCKER"] && settled.generation == 7)
        #expect(b.fullReads == 0 && b.chainReads == 2)
    }

    /// A commit after the pass is not waited for: the view is labelled with the pass's last
    /// generation, and what came later is named by the notifications for the engine to follow.
    @Test func laterCommitsAreLeftToTheEnginesFollowing() throws {
        let b = MovingBackend(stale: try Self.nat(Self.before), now: try Self.nat(Self.after), from: 5, through: 7, generations: [8])
        b.changes[6] = [ChainRef(.nat, Self.svc): .rules]
        b.changes[7] = [ChainRef(.nat, Self.oldSEP): .deleted]
        b.changes[8] = [ChainRef(.nat, Self.newSEP): .created]
        let settled = try SettledRead(backend: b, family: .ipv4, tables: [.nat]).read()
        #expect(settled.generation == 7 && Self.chains(settled)[Self.svc] == Self.chains(b.now)[Self.svc])
        #expect(Self.chains(settled)[Self.oldSEP] == nil && b.fullReads == 0 && b.chainReads == 1)
        #expect(try b.changedChains(family: .ipv4, from: 7, to: 8) == [ChainRef(.nat, Self.newSEP): .created])
    }

    /// Without notifications that name the changes, the quiet-moment read is the answer.
    @Test func unnamedChangesFallBackToAConsistentRead() throws {
        let b = MovingBackend(stale: try Self.nat(Self.before), now: try Self.nat(Self.after), from: 5, through: 7, generations: [7])
        let settled = try SettledRead(backend: b, family: .ipv4, tables: [.nat]).read()
        #expect(Self.chains(settled) == Self.chains(b.now) && b.fullReads == 1)
    }
}
