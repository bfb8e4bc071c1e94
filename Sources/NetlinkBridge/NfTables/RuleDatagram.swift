public import Reconciler

/// The rules carried by one datagram of nf_tables messages (a GETRULE dump reply or a batch):
/// what the table reader does with each datagram it receives, as one call.
public enum RuleDatagram {
    /// Every NEWRULE message in `bytes`, decoded into AST rules (undecodable rules opaque).
    /// Throws `NetlinkError` when the framing or a rule's attributes are malformed.
    public static func rules(_ bytes: [UInt8], family: NftFamily, ipsetNames: [UInt16: String] = [:]) throws -> [Rule] {
        var out: [Rule] = []
        for (i, m) in try NetlinkMessage.parseAll(bytes).enumerated()
        where m.type == NftProtocol.subsystem | NftProtocol.Msg.newRule {
            out.append(RuleDecoder.decode(try NftMessageParsing.rule(m, position: i), family: family, ipsetNames: ipsetNames))
        }
        return out
    }
}
