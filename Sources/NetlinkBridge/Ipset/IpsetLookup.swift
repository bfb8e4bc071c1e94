/// Maps ipset names to the kernel indices that `-m set` blobs hold, and back, in one network
/// namespace (indices are per namespace and change when sets are destroyed and recreated).
public protocol IpsetLookup: AnyObject {
    /// The name of the set at `index`, nil when no set has that index.
    func name(index: UInt16) throws -> String?
    /// The index of the set called `name`, nil when no such set exists.
    func index(name: String) throws -> UInt16?
}

/// Failures of ipset name/index resolution.
public enum IpsetError: Error, Equatable, CustomStringConvertible {
    /// The getsockopt protocol failed (`operation` names the step).
    case system(operation: String, errno: Int32)
    /// A rule refers to a set that does not exist in the namespace.
    case notFound(name: String)
    /// Rules use `-m set` but the client has no way to resolve set names.
    case unavailable(String)

    public var description: String {
        switch self {
        case .system(let op, let e): return "ipset \(op): \(NetlinkError.errnoText(e))"
        case .notFound(let name): return "ipset \(name) does not exist (create it before loading rules that match on it)"
        case .unavailable(let why): return "ipset lookup unavailable: \(why)"
        }
    }
}

/// A fixed name <-> index table: for tests, fakes and clients without a real namespace.
public final class IpsetTable: IpsetLookup {
    public private(set) var names: [UInt16: String]

    public init(_ names: [UInt16: String] = [:]) { self.names = names }

    public func name(index: UInt16) -> String? { names[index] }
    public func index(name: String) -> UInt16? { names.first { $0.value == name }?.key }
}
