/// Maps ipset names to the kernel indices that `-m set` blobs hold, and back, in one network
/// namespace (indices are per namespace and change when sets are destroyed and recreated).
public protocol IpsetLookup: AnyObject {
    /// The name of the set at `index`, nil when no set has that index.
    func name(index: UInt16) throws -> String?
    /// The index and family of the set called `name`, nil when no such set exists.
    func find(name: String) throws -> IpsetRef?
}

/// A set as the kernel identifies it: its index and its NFPROTO family (0 = any family, e.g.
/// list:set, or unknown on kernels without IP_SET_OP_GET_FNAME).
public struct IpsetRef: Hashable, Sendable {
    public var index: UInt16
    public var family: UInt8
    public init(index: UInt16, family: UInt8 = 0) { self.index = index; self.family = family }

    /// Whether rules of `family` may use the set (libxt_set's check).
    public func usable(by family: NftFamily) -> Bool { self.family == 0 || self.family == family.rawValue }
}

/// Failures of ipset name/index resolution.
public enum IpsetError: Error, Equatable, CustomStringConvertible {
    /// The getsockopt protocol failed (`operation` names the step).
    case system(operation: String, errno: Int32)
    /// A rule refers to a set that does not exist in the namespace.
    case notFound(name: String)
    /// A rule of one family refers to a set of the other.
    case wrongFamily(name: String, setFamily: UInt8)
    /// Rules use `-m set` but the client has no way to resolve set names.
    case unavailable(String)

    public var description: String {
        switch self {
        case .system(let op, let e): return "ipset \(op): \(NetlinkError.errnoText(e))"
        case .notFound(let name): return "ipset \(name) does not exist (create it before loading rules that match on it)"
        case .wrongFamily(let name, let f):
            return "the protocol family of set \(name) is \(f == NftFamily.ipv6.rawValue ? "IPv6" : "IPv4"), which is not applicable"
        case .unavailable(let why): return "ipset lookup unavailable: \(why)"
        }
    }
}

/// A fixed name <-> index table: for tests, fakes and clients without a real namespace.
public final class IpsetTable: IpsetLookup {
    public private(set) var names: [UInt16: String]
    /// Families by index (absent: 0, any).
    public private(set) var families: [UInt16: UInt8]

    public init(_ names: [UInt16: String] = [:], families: [UInt16: UInt8] = [:]) {
        self.names = names; self.families = families
    }

    public func name(index: UInt16) -> String? { names[index] }
    public func find(name: String) -> IpsetRef? {
        names.first { $0.value == name }.map { IpsetRef(index: $0.key, family: families[$0.key] ?? 0) }
    }
}
