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
    public var needsIpsets: Bool {
        operations.contains { op in
            switch op {
            case .addRule(let spec, _), .replaceRule(let spec, _): return !spec.ipsets.isEmpty
            default: return false
            }
        }
    }

    /// The batch with every set match bound through `lookup`. A set that does not exist (ENOENT)
    /// or is of the other family (EINVAL) is reported against the operation that names it.
    public func bindingIpsets(_ lookup: any IpsetLookup) throws -> NftBatch {
        var out = self
        for (i, op) in operations.enumerated() {
            do {
                switch op {
                case .addRule(let spec, let placement) where !spec.ipsets.isEmpty:
                    out.operations[i] = .addRule(try spec.bindingIpsets(lookup, family: family), placement)
                case .replaceRule(let spec, let handle) where !spec.ipsets.isEmpty:
                    out.operations[i] = .replaceRule(try spec.bindingIpsets(lookup, family: family), handle: handle)
                default: continue
                }
            } catch let error as IpsetError {
                let errno: Int32
                if case .wrongFamily = error { errno = EINVAL } else { errno = ENOENT }
                throw NftError.rejected(operation: op, index: i, errno: errno, message: error.description)
            }
        }
        return out
    }

    public var description: String {
        (["batch \(family.tableFamilyName)" + (generation.map { " genid \($0)" } ?? "")]
         + operations.map { "  \($0)" }).joined(separator: "\n")
    }

    /// The datagram: batch begin, one message per operation, batch end (sequence numbers are
    /// assigned by the connection). With `echoingInserts`, each `.addRule` asks the kernel to
    /// send the rule it committed back (NLM_F_ECHO), handle included.
    public func messages(echoingInserts: Bool = false) -> [NetlinkMessage] {
        var out: [NetlinkMessage] = [NftBatch.begin(generation: generation)]
        out.reserveCapacity(operations.count + 2)
        for op in operations {
            var m = message(for: op)
            if echoingInserts, case .addRule = op { m.flags |= NetlinkMessage.echo }
            out.append(m)
        }
        out.append(NetlinkMessage(type: NftProtocol.batchEnd, flags: 0,
                                  payload: NftProtocol.genmsg(family: 0, resID: 10)))
        return out
    }

    static func begin(generation: UInt32?) -> NetlinkMessage {
        var w = AttributeWriter()
        if let generation { w.putU32(NftProtocol.batchGenID, generation) }
        return NetlinkMessage(type: NftProtocol.batchBegin, flags: 0,
                              payload: NftProtocol.genmsg(family: 0, resID: 10) + w.bytes)
    }

    func message(for op: NftOperation) -> NetlinkMessage {
        typealias M = NftProtocol.Msg
        let fam = family.rawValue
        var w = AttributeWriter()
        switch op {
        case .addTable(let t):
            w.putString(NftProtocol.TableAttr.name, t)
            w.putU32(NftProtocol.TableAttr.flags, 0)
            return NftProtocol.message(M.newTable, family: fam, flags: NetlinkMessage.create, attrs: w.bytes)
        case .deleteTable(let t):
            w.putString(NftProtocol.TableAttr.name, t)
            return NftProtocol.message(M.delTable, family: fam, attrs: w.bytes)
        case .addBaseChain(let t, let c, let hook, let policy):
            typealias C = NftProtocol.ChainAttr
            w.putString(C.table, t)
            w.putString(C.name, c)
            w.nest(C.hook) { h in
                h.putU32(NftProtocol.HookAttr.num, hook.hooknum)
                h.putU32(NftProtocol.HookAttr.priority, UInt32(bitPattern: hook.priority))
            }
            w.putU32(C.policy, policy)
            w.putString(C.type, hook.type)
            return NftProtocol.message(M.newChain, family: fam, flags: NetlinkMessage.create, attrs: w.bytes)
        case .addChain(let t, let c):
            w.putString(NftProtocol.ChainAttr.table, t)
            w.putString(NftProtocol.ChainAttr.name, c)
            return NftProtocol.message(M.newChain, family: fam, flags: NetlinkMessage.excl, attrs: w.bytes)
        case .deleteChain(let t, let c):
            w.putString(NftProtocol.ChainAttr.table, t)
            w.putString(NftProtocol.ChainAttr.name, c)
            // NLM_F_NONREC (0x100): refuse to delete a chain that still has rules or references.
            return NftProtocol.message(M.delChain, family: fam, flags: 0x100, attrs: w.bytes)
        case .flushChain(let t, let c):
            w.putString(NftProtocol.RuleAttr.table, t)
            w.putString(NftProtocol.RuleAttr.chain, c)
            return NftProtocol.message(M.delRule, family: fam, attrs: w.bytes)
        case .addRule(let spec, let placement):
            return NftBatch.ruleMessage(spec, placement: placement, family: fam)
        case .replaceRule(let spec, let handle):
            return NftBatch.ruleMessage(spec, placement: .first, family: fam, replacing: handle)
        case .deleteRule(let t, let c, let handle, _):
            w.putString(NftProtocol.RuleAttr.table, t)
            w.putString(NftProtocol.RuleAttr.chain, c)
            w.putU64(NftProtocol.RuleAttr.handle, handle)
            return NftProtocol.message(M.delRule, family: fam, attrs: w.bytes)
        }
    }

    /// NEWRULE as iptables-nft (libnftnl) builds it: table, chain, position, expressions, compat.
    static func ruleMessage(_ spec: NftRuleSpec, placement: RulePlacement, family: UInt8,
                            replacing handle: UInt64? = nil) -> NetlinkMessage {
        typealias R = NftProtocol.RuleAttr
        var w = AttributeWriter()
        w.putString(R.table, spec.table)
        w.putString(R.chain, spec.chain)
        var flags = NetlinkMessage.create
        if let handle {
            // iptables-nft's RULE_REPLACE: NLM_F_CREATE | NLM_F_REPLACE with the old rule's handle.
            flags = NetlinkMessage.create | NetlinkMessage.replace
            w.putU64(R.handle, handle)
        } else {
            switch placement {
            case .append: flags |= NetlinkMessage.append
            case .first: break
            case .after(let h): flags |= NetlinkMessage.append; w.putU64(R.position, h)
            case .before(let h): w.putU64(R.position, h)
            }
        }
        w.put(R.expressions, NftRule.encodeExpressions(spec.expressions), nested: true)
        if let proto = spec.compatProto {
            w.nest(R.compat) { c in
                c.putU32(NftProtocol.CompatAttr.proto, proto)
                c.putU32(NftProtocol.CompatAttr.flags, spec.compatInverted ? 1 : 0)
            }
        }
        return NftProtocol.message(NftProtocol.Msg.newRule, family: family, flags: flags, attrs: w.bytes)
    }
}
