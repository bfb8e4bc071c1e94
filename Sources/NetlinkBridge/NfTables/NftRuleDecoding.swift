public import Reconciler

extension RuleDecoder {
    /// `ipsetNames` maps the kernel set indices of `-m set` matches to names (see
    /// `NftClient.ipsetNames`); a set match whose index is not in it makes the rule opaque.
    /// `fromKernel`: the bytes are the kernel's, so an opaque rule is also printed by libnftnl
    /// (never for untrusted bytes: see `LibnftnlText`).
    public static func decode(_ rule: NftRule, family: NftFamily, ipsetNames: [UInt16: String] = [:],
                              fromKernel: Bool = false) -> Rule {
        decode(rule.expressions, raw: { rule.rawExpressions }, family: family, ipsetNames: ipsetNames, fromKernel: fromKernel)
    }
}
