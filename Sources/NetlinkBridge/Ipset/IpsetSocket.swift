import CNetfilter
import Glibc

/// ipset's getsockopt protocol (`SO_IP_SET` on a raw IPv4 socket), as libxt_set uses it: the
/// protocol version first, then GET_BYINDEX / GET_FNAME (GET_BYNAME on old kernels). The socket is opened inside the target
/// network namespace and answers for that namespace's sets. Owns the descriptor.
public final class IpsetSocket: IpsetLookup {
    private let fd: Int32
    private var version: UInt32?

    /// Opens the socket inside namespace `netns` (a name under /var/run/netns or a path), or in the
    /// current namespace when nil.
    public init(netns: String?) throws {
        let opened = try NetworkNamespace.with(netns) {
            socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_RAW))
        }
        guard opened >= 0 else {
            throw IpsetError.system(operation: "socket(AF_INET, SOCK_RAW)\(netns.map { " in netns \($0)" } ?? "")",
                                    errno: errno)
        }
        fd = opened
    }

    deinit { close(fd) }

    /// The kernel's ipset protocol version (asked once; ENOPROTOOPT when ip_set is not loaded).
    public func protocolVersion() throws -> UInt32 {
        if let version { return version }
        var v: UInt32 = 0
        let rc = kpx_ipset_version(fd, &v)
        guard rc == 0 else { throw IpsetError.system(operation: "IP_SET_OP_VERSION", errno: -rc) }
        version = v
        return v
    }

    public func name(index: UInt16) throws -> String? {
        let v = try protocolVersion()
        var buffer = [CChar](repeating: 0, count: Int(kpx_ipset_maxnamelen()))
        let rc = kpx_ipset_name_by_index(fd, v, index, &buffer)
        // The kernel answers an index beyond its table with EINVAL (getsockopt size check).
        if rc == -EINVAL { return nil }
        guard rc == 0 else { throw IpsetError.system(operation: "IP_SET_OP_GET_BYINDEX \(index)", errno: -rc) }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    public func find(name: String) throws -> IpsetRef? {
        guard name.utf8.count < Int(kpx_ipset_maxnamelen()) else { return nil }
        let v = try protocolVersion()
        var index: UInt16 = 0, family: UInt32 = 0
        let rc = kpx_ipset_index_by_name(fd, v, name, &index, &family)
        guard rc == 0 else { throw IpsetError.system(operation: "IP_SET_OP_GET_FNAME \(name)", errno: -rc) }
        return index == UInt16(kpx_ipset_invalid_id()) ? nil : IpsetRef(index: index, family: UInt8(truncatingIfNeeded: family))
    }
}
