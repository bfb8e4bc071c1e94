@testable import Reconciler

/// Random damage to a live ruleset, with the number of plan operations that repairs it.
struct Damage {
    var expectedOperations = 0
    var log: [String] = []

    static func apply(to live: inout Ruleset, using random: inout SeededRandom) -> Damage {
        var damage = Damage()
        let kinds = Int(random.next() % 4) + 1
        for _ in 0..<kinds {
            switch random.next() % 6 {
            case 0: damage.deleteOrderedRule(&live, &random)
            case 1: damage.addExtraRule(&live, &random)
            case 2: damage.changeRule(&live, &random)
            case 3: damage.deleteChain(&live, &random)
            case 4: damage.deleteJump(&live)
            default: damage.shuffleServices(&live, &random)
            }
        }
        return damage
    }

    private static func sepChains(_ live: Ruleset) -> [String] {
        live[table: .nat]!.chains.map(\.name).filter { $0.hasPrefix("KUBE-SEP-") && !$0.hasSuffix("EXTRA") }
    }

    mutating func deleteOrderedRule(_ live: inout Ruleset, _ random: inout SeededRandom) {
        let names = Damage.sepChains(live)
        let name = names[Int(random.next() % UInt64(names.count))]
        guard !live[table: .nat]![chain: name]!.rules.isEmpty else { return }
        live[table: .nat]![chain: name]!.rules.removeLast()
        expectedOperations += 1
        log.append("deleted last rule of \(name)")
    }

    mutating func addExtraRule(_ live: inout Ruleset, _ random: inout SeededRandom) {
        let names = Damage.sepChains(live)
        let name = names[Int(random.next() % UInt64(names.count))]
        live[table: .nat]![chain: name]!.rules.insert(RandomRulesets.rule("-s 6.6.6.\(random.next() % 200)/32 -j RETURN"), at: 0)
        expectedOperations += 1
        log.append("extra rule in \(name)")
    }

    mutating func changeRule(_ live: inout Ruleset, _ random: inout SeededRandom) {
        var rules = live[table: .nat]![chain: "KUBE-SERVICES"]!.rules
        let index = Int(random.next() % UInt64(rules.count - 1))
        guard rules[index].comment?.contains("cluster IP") == true else { return }
        rules[index].destination = AddressMatch(CIDR("1.1.1.\(random.next() % 250)")!)
        live[table: .nat]![chain: "KUBE-SERVICES"]!.rules = rules
        expectedOperations += 1
        log.append("changed KUBE-SERVICES rule \(index)")
    }

    mutating func deleteChain(_ live: inout Ruleset, _ random: inout SeededRandom) {
        let names = Damage.sepChains(live)
        let name = names[Int(random.next() % UInt64(names.count))]
        let rules = live[table: .nat]![chain: name]!.rules.count
        live[table: .nat]![chain: name] = nil
        expectedOperations += 1 + rules
        log.append("deleted chain \(name) with \(rules) rules")
    }

    mutating func deleteJump(_ live: inout Ruleset) {
        let rules = live[table: .nat]![chain: "OUTPUT"]!.rules
        guard let index = rules.firstIndex(where: { Ownership.isOurJump($0, in: .nat) }) else { return }
        live[table: .nat]![chain: "OUTPUT"]!.rules.remove(at: index)
        expectedOperations += 1
        log.append("deleted our jump from nat OUTPUT")
    }

    mutating func shuffleServices(_ live: inout Ruleset, _ random: inout SeededRandom) {
        var rules = live[table: .nat]![chain: "KUBE-SERVICES"]!.rules
        let pinned = rules.removeLast()
        rules.shuffle(using: &random)
        live[table: .nat]![chain: "KUBE-SERVICES"]!.rules = rules + [pinned]
        log.append("shuffled KUBE-SERVICES (free order: no operations)")
    }
}
