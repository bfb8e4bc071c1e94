public import Reconciler

extension NftFamily {
    /// The AST family of this nf_tables family.
    public var ipFamily: IPFamily { self == .ipv4 ? .ipv4 : .ipv6 }
    public init(_ family: IPFamily) { self = family == .ipv4 ? .ipv4 : .ipv6 }
}
