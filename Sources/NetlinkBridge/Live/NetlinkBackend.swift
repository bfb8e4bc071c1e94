import Reconciler

/// The kernel as a `RulesetBackend`: consistent reads over netlink and plans committed as one
/// `NFNL_BATCH_GENID`-guarded nf_tables transaction, encoded exactly as iptables-nft does.
public final class NetlinkBackend: RulesetBackend {
    public let client: NftClient
    /// Netlink messages and bytes sent in commits, for reports.
    public private(set) var committedMessages = 0

    public init(client: NftClient) { self.client = client }

    /// Opens a netlink socket in the named namespace (nil: the current one).
    public convenience init(netns: String?) throws { self.init(client: try NftClient(netns: netns)) }

    public func generation() throws -> UInt32 { try client.generation() }

    public func observe(family: IPFamily, tables: [TableName]) throws -> ObservedRuleset {
        for _ in 0..<5 {
            let live = try TableReader.read(client, family: NftFamily(family), only: tables)
            let generation = try client.generation()
            guard live.allSatisfy({ $0.generation == generation }) else { continue }
            var handles: [TableName: [String: [UInt64]]] = [:]
            for table in live { handles[table.table.name] = table.handles }
            return ObservedRuleset(ruleset: TableReader.ruleset(live, family: NftFamily(family)),
                                   handles: handles, generation: generation)
        }
        throw NftError.transport(.dumpInterrupted(operation: "read tables", attempts: 5))
    }

    /// One pass chain by chain, whatever others commit meanwhile (a chain that vanished reads
    /// empty): the generation before and after, for `SettledRead` to catch up from notifications.
    public func observeUnsettled(family: IPFamily, tables: [TableName]) throws -> (observed: ObservedRuleset, through: UInt32) {
        let before = try client.generation()
        let live = try TableReader.read(client, family: NftFamily(family), only: tables, settled: false)
        let after = try client.generation()
        var handles: [TableName: [String: [UInt64]]] = [:]
        for table in live { handles[table.table.name] = table.handles }
        return (ObservedRuleset(ruleset: TableReader.ruleset(live, family: NftFamily(family)), handles: handles, generation: before), after)
    }

    public func observe(family: IPFamily, chains: [ChainRef]) throws -> [ChainRef: (rules: [Rule], handles: [UInt64])?] {
        let nft = NftFamily(family)
        var out: [ChainRef: (rules: [Rule], handles: [UInt64])?] = [:]
        var ipsets = IpsetNameCache(client.ipsets)
        for ref in chains {
            guard let (rules, handles) = try? client.decodedRules(family: nft, table: ref.table.rawValue, chain: ref.chain,
                                                                  ipsets: &ipsets) else {
                out[ref] = .some(nil)
                continue
            }
            out[ref] = (rules, handles)
        }
        return out
    }

    public func commit(_ plan: Plan) throws { _ = try commitEncoded(plan, echo: false) }

    /// Commits like `commit(_:)`, with the kernel echoing each inserted rule, and returns the
    /// handles of the plan's `.insertRule` operations by plan index (those whose echo was lost
    /// are absent).
    public func commitLearningHandles(_ plan: Plan) throws -> [Int: UInt64] { try commitEncoded(plan, echo: true) }

    /// Encodes `plan` straight into its datagram, commits it, then hands the memory of a large
    /// batch back to the system.
    private func commitEncoded(_ plan: Plan, echo: Bool) throws -> [Int: UInt64] {
        let (handles, bytes) = try Self.translatingErrors { () throws -> ([Int: UInt64], Int) in
            var encoded = try PlanEncoder.encode(plan, ipsets: client.ipsets, echoingInserts: echo)
            let handles = try client.commit(&encoded)
            committedMessages += encoded.datagram.messageCount
            return (handles, encoded.datagram.byteCount)
        }
        ReleasedMemory.trim(afterBatchOf: bytes)
        return handles
    }

    /// Runs a commit, reporting nf_tables and ipset refusals as `BackendError`s.
    public static func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch NftError.generationChanged(let planned) {
            throw BackendError.generationChanged(planned: planned)
        } catch let error as NftError {
            throw BackendError.rejected("\(error)")
        } catch let error as IpsetError {
            throw BackendError.rejected("\(error)")
        }
    }
}

/// Plan operations -> nf_tables batch operations.
public enum PlanTranslator {
    public static func batch(_ plan: Plan) throws -> NftBatch { try batchWithIndex(plan).batch }

    /// `batch(_:)` and, for each plan operation, the index in `batch.operations` of the first
    /// operation it became (`.createTable` becomes several, every other operation one).
    public static func batchWithIndex(_ plan: Plan) throws -> (batch: NftBatch, firstOperation: [Int]) {
        let family = NftFamily(plan.family)
        var batch = NftBatch(family: family, generation: plan.generation)
        var firstOperation: [Int] = []
        firstOperation.reserveCapacity(plan.operations.count)
        for operation in plan.operations {
            firstOperation.append(batch.operations.count)
            try append(operation, to: &batch, family: family)
        }
        return (batch, firstOperation)
    }

    /// Handles learned per batch operation (`NftClient.commit(_:echo:)`) re-keyed by the index of
    /// the plan's `.insertRule` operation they belong to.
    public static func insertHandles(_ learned: [Int: UInt64], plan: Plan, firstOperation: [Int]) -> [Int: UInt64] {
        var out: [Int: UInt64] = [:]
        out.reserveCapacity(learned.count)
        for (index, operation) in plan.operations.enumerated() {
            guard case .insertRule = operation, let handle = learned[firstOperation[index]] else { continue }
            out[index] = handle
        }
        return out
    }

    static func append(_ operation: PlanOperation, to batch: inout NftBatch, family: NftFamily) throws {
        func spec(_ rule: Rule, _ table: TableName, _ chain: String) throws -> NftRuleSpec {
            var spec = try RuleEncoder.spec(rule, table: table.rawValue, chain: chain, family: family)
            spec.origin = RuleOrigin(chain: chain, rule: rule, family: family.ipFamily)
            return spec
        }
        switch operation {
        case .createTable(let table):
            batch.append(.addTable(table.rawValue))
            for chain in table.builtinChains { batch.append(try baseChain(table, chain)) }
        case .createChain(let table, let chain):
            batch.append(table.builtinChains.contains(chain) ? try baseChain(table, chain) : .addChain(table: table.rawValue, chain: chain))
        case .insertRule(let table, let chain, let rule, let placement):
            batch.append(.addRule(try spec(rule, table, chain), RulePlacement(placement)))
        case .replaceRule(let table, let chain, let handle, _, let rule):
            batch.append(.replaceRule(try spec(rule, table, chain), handle: handle))
        case .deleteRule(let table, let chain, let handle, let rule):
            batch.append(.deleteRule(table: table.rawValue, chain: chain, handle: handle,
                                     label: SaveRenderer.line(chain: chain, rule: rule, family: family.ipFamily)))
        case .flushChain(let table, let chain, _):
            batch.append(.flushChain(table: table.rawValue, chain: chain))
        case .deleteChain(let table, let chain):
            batch.append(.deleteChain(table: table.rawValue, chain: chain))
        case .setPolicy(let table, let chain, let policy):
            batch.append(try baseChain(table, chain, policy: policy == .drop ? 0 : 1))
        }
    }

    static func baseChain(_ table: TableName, _ chain: String, policy: UInt32 = 1) throws -> NftOperation {
        guard let hook = BuiltinChains.hook(table: table, chain: chain) else { throw NftError.notFound("built-in chain \(table.rawValue)/\(chain)") }
        return .addBaseChain(table: table.rawValue, chain: chain, hook: hook, policy: policy)
    }
}

extension RulePlacement {
    /// A plan's placement (relative to rules that exist before the batch) as written.
    init(_ placement: PlanOperation.Placement) {
        switch placement {
        case .append: self = .append
        case .first: self = .first
        case .before(let handle): self = .before(handle: handle)
        }
    }
}

extension NetlinkBackend {
    /// Creates the nfacct objects the ruleset's `-m nfacct` rules name (kube-proxy does the
    /// same before restoring); existing ones are left alone.
    /// The packet count of an nfacct object kube-proxy's rules count into (nil: absent).
    public func accountingPackets(_ name: String) throws -> UInt64? {
        try Nfacct.packets(name, connection: client.connection)
    }

    public func ensureAccountingObjects(for ruleset: Ruleset) throws {
        var names: Set<String> = []
        for table in ruleset.tables {
            for chain in table.chains {
                for rule in chain.rules {
                    for case .nfacct(let name) in rule.matches { names.insert(name) }
                }
            }
        }
        for name in names.sorted() { try Nfacct.ensure(name, connection: client.connection) }
    }
}
