import Glibc

/// An atomic nf_tables transaction: operations in order, optionally guarded by the ruleset
/// generation they were planned against (NFNL_BATCH_GENID).
public struct NftBatch: Hashable, Sendable, CustomStringConvertible {
    public var family: NftFamily
    public var generation: UInt32?
    public var operations: [NftOperation]

    public init(family: NftFamily, generation: UInt32? = nil, operations: [NftOperation] = []) {
        self.family = family; self.generation = generation; self.operations = operations
    }

    public mutating func append(_ op: NftOperation) { operations.append(op) }

    /// True when some rule still has an unbound `-m set` index.
    public var needsIpsets: Bool { operations.contains { $0.needsIpsets } }

    /// The batch with every set match bound through `lookup`. A set that does not exist (ENOENT)
    /// or is of the other family (EINVAL) is reported against the operation that names it.
    public func bindingIpsets(_ lookup: any IpsetLookup) throws -> NftBatch {
        var out = self
        for (i, op) in operations.enumerated() where op.needsIpsets {
            out.operations[i] = try Self.bindingIpsets(op, index: i, lookup, family: family)
        }
        return out
    }

    /// Operation `op` (batch operation `index`) with its set matches bound through `lookup`.
    static func bindingIpsets(_ op: NftOperation, index: Int, _ lookup: any IpsetLookup,
                              family: NftFamily) throws -> NftOperation {
        do {
            switch op {
            case .addRule(let spec, let placement) where !spec.ipsets.isEmpty:
                return .addRule(try spec.bindingIpsets(lookup, family: family), placement)
            case .replaceRule(let spec, let handle) where !spec.ipsets.isEmpty:
                return .replaceRule(try spec.bindingIpsets(lookup, family: family), handle: handle)
            default: return op
            }
        } catch let error as IpsetError {
            throw NftError.rejected(operation: op, index: index, errno: errno(error), message: error.description)
        }
    }

    /// The errno iptables reports for a set it cannot use: EINVAL for the other family, else ENOENT.
    static func errno(_ error: IpsetError) -> Int32 {
        if case .wrongFamily = error { return EINVAL }
        return ENOENT
    }

    public var description: String {
        (["batch \(family.tableFamilyName)" + (generation.map { " genid \($0)" } ?? "")]
         + operations.map { "  \($0)" }).joined(separator: "\n")
    }

    /// The datagram: batch begin, one message per operation, batch end (sequence numbers are
    /// assigned by the connection). With `echoingInserts`, each `.addRule` asks the kernel to
    /// send the rule it committed back (NLM_F_ECHO), handle included.
    public func datagram(echoingInserts: Bool = false) -> BatchDatagram {
        var writer = NftBatchWriter(family: family,
                                    expectedBytes: (operations.count + 2) * NftBatchWriter.bytesPerOperation)
        writer.beginBatch(generation: generation)
        for op in operations { writer.write(op, echo: echoingInserts) }
        writer.endBatch()
        return writer.finish()
    }

    /// `datagram(echoingInserts:)` as separate messages.
    public func messages(echoingInserts: Bool = false) -> [NetlinkMessage] {
        Self.parsed(datagram(echoingInserts: echoingInserts))
    }

    /// The message of one operation.
    func message(for op: NftOperation) -> NetlinkMessage {
        var writer = NftBatchWriter(family: family, expectedBytes: 256)
        writer.write(op)
        return Self.parsed(writer.finish())[0]
    }

    /// NEWRULE as iptables-nft (libnftnl) builds it: table, chain, position, expressions, compat.
    static func ruleMessage(_ spec: NftRuleSpec, placement: RulePlacement, family: UInt8,
                            replacing handle: UInt64? = nil) -> NetlinkMessage {
        var writer = NftBatchWriter(familyCode: family, expectedBytes: 256)
        writer.writeRule(spec, placement: placement, replacing: handle)
        return parsed(writer.finish())[0]
    }

    /// Messages of a datagram written by `NftBatchWriter` (well-formed by construction).
    private static func parsed(_ datagram: BatchDatagram) -> [NetlinkMessage] {
        try! datagram.messages()
    }
}
