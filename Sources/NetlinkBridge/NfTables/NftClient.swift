import Glibc

/// Reads and writes nf_tables over one netlink connection: generation, tables, chains, rules
/// (chain by chain), and atomic batches with per-operation error mapping.
public final class NftClient {
    public let connection: NetlinkConnection
    /// Resolves `-m set` indices and names in the client's namespace (nil: rules with set
    /// matches read as opaque and cannot be written).
    public let ipsets: (any IpsetLookup)?
    /// Opens another client on the same namespace, so that large tables are read on several
    /// sockets at once (nil: every read stays on this client's socket).
    public let opener: (() throws -> NftClient)?
    /// How many sockets (and threads) a large table is read on at most.
    public var readParallelism = NftClient.defaultReadParallelism
    /// Online processors, at most 4: the default `readParallelism`.
    public static var defaultReadParallelism: Int { max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 4)) }
    /// Tables with fewer chains than this are read on this client's socket alone.
    public var parallelReadMinChains = 2000
    /// Clients opened by `opener` for parallel reads, kept open for later reads.
    var extraReaders: [NftClient] = []

    public init(exchange: MessageExchange, ipsets: (any IpsetLookup)? = nil, opener: (() throws -> NftClient)? = nil) {
        connection = NetlinkConnection(exchange: exchange)
        self.ipsets = ipsets
        self.opener = opener
    }

    /// A client on a real socket inside network namespace `netns` (nil = current), with an
    /// ipset socket opened in the same namespace; it opens more such sockets for parallel reads.
    public convenience init(netns: String?) throws {
        self.init(exchange: try NetlinkSocket(netns: netns), ipsets: try IpsetSocket(netns: netns),
                  opener: { NftClient(exchange: try NetlinkSocket(netns: netns), ipsets: try IpsetSocket(netns: netns)) })
    }

    /// Names of the sets that the `-m set` matches of `rules` refer to, by index. Indices the
    /// namespace does not know (or no lookup) are left out: those rules then read as opaque.
    public func ipsetNames(for rules: some Sequence<NftRule>) -> [UInt16: String] {
        var cache = IpsetNameCache(ipsets)
        for rule in rules { cache.resolve(rule.expressions) }
        return cache.names
    }

    /// The current ruleset generation (NFT_MSG_GETGEN).
    public func generation() throws -> UInt32 {
        let replies = try connection.request(NftProtocol.message(NftProtocol.Msg.getGen, family: 0),
                                             operation: "get generation")
        guard let m = replies.first(where: { $0.type == NftProtocol.subsystem | NftProtocol.Msg.newGen }) else {
            throw NetlinkError.noReply(operation: "get generation")
        }
        return try NftMessageParsing.generation(m)
    }

    /// Tables of `family`.
    public func tables(family: NftFamily) throws -> [NftTable] {
        try connection.dump(NftProtocol.message(NftProtocol.Msg.getTable, family: family.rawValue),
                            operation: "list tables \(family.tableFamilyName)")
            .compactMap(NftMessageParsing.table)
    }

    /// Chains of `table` (the kernel dumps every chain of the family; filtered here), in kernel order.
    public func chains(family: NftFamily, table: String) throws -> [NftChain] {
        var w = AttributeWriter()
        w.putString(NftProtocol.ChainAttr.table, table)
        return try connection.dump(NftProtocol.message(NftProtocol.Msg.getChain, family: family.rawValue, attrs: w.bytes),
                                   operation: "list chains \(family.tableFamilyName) \(table)")
            .map(NftMessageParsing.chain).filter { $0.table == table }
    }

    /// Rules of one chain in order, with handles and 0-based positions.
    public func rules(family: NftFamily, table: String, chain: String) throws -> [NftRule] {
        var w = AttributeWriter()
        w.putString(NftProtocol.RuleAttr.table, table)
        w.putString(NftProtocol.RuleAttr.chain, chain)
        let msgs = try connection.dump(NftProtocol.message(NftProtocol.Msg.getRule, family: family.rawValue, attrs: w.bytes),
                                       operation: "list rules \(family.tableFamilyName) \(table) \(chain)")
        return try msgs.enumerated().map { try NftMessageParsing.rule($0.element, position: $0.offset) }
            .filter { $0.table == table && $0.chain == chain }
    }

    /// The one commit path (every other form encodes into a datagram and comes here): numbers and
    /// sends `datagram`, hands each reply answering message i to `reply`, and throws the first
    /// refusal (`operation` names batch operation i). A receive overrun leaves the outcome
    /// unknown and is thrown unless `echoed` says the commit's echoes arrived (only a commit that
    /// went through sends them).
    package func commit(_ datagram: inout BatchDatagram, generation: UInt32?, operation: (Int) throws -> NftOperation?,
                         reply: (_ index: Int, _ reply: NetlinkMessageView) -> Void, echoed: () -> Bool = { false }) throws {
        let replies = try connection.sendBatch(&datagram) { index, message in reply(index, message) }
        try Self.throwIfRefused(replies.errors, seqs: replies.seqs, generation: generation, operation: operation)
        if let overrun = replies.overrun, !echoed() { throw overrun }
    }

    /// `batch` with its set matches bound through the client's ipset lookup.
    package func bindingIpsets(_ batch: NftBatch) throws -> NftBatch {
        guard batch.needsIpsets else { return batch }
        return try batch.bindingIpsets(try Self.requireIpsets(ipsets))
    }

    /// The lookup that rules with set matches need; refused (ENOENT, no operation named) when absent.
    static func requireIpsets(_ ipsets: (any IpsetLookup)?) throws -> any IpsetLookup {
        guard let ipsets else {
            throw NftError.rejected(operation: nil, index: nil, errno: ENOENT,
                                    message: IpsetError.unavailable("client has no ipset lookup").description)
        }
        return ipsets
    }

    /// Throws the `NftError` of the first error reply to the batch sent with sequence numbers
    /// `seqs` (batch begin, one per operation, batch end) and planned against `generation`;
    /// returns when there is none. `operation` names batch operation i for the error.
    static func throwIfRefused(_ errors: [NetlinkErrorReply], seqs: [UInt32], generation: UInt32?,
                               operation: (Int) throws -> NftOperation?) throws {
        guard let first = errors.first else { return }
        guard let index = seqs.firstIndex(of: first.requestSeq) else {
            throw NftError.rejected(operation: nil, index: nil, errno: first.errno, message: first.message)
        }
        if index == 0 || index == seqs.count - 1 {
            // Batch begin / end: generation mismatch or a commit-time refusal.
            if first.errno == 85 /* ERESTART */ { throw NftError.generationChanged(planned: generation) }
            throw NftError.rejected(operation: nil, index: nil, errno: first.errno, message: first.message)
        }
        throw NftError.rejected(operation: try operation(index - 1), index: index - 1,
                                errno: first.errno, message: first.message)
    }
}
