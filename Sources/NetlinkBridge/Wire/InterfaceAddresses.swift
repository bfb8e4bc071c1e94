import Glibc
public import Reconciler

/// The addresses configured on a namespace's interfaces (getifaddrs, run inside it): what
/// `-m addrtype --dst-type LOCAL` calls local there.
public enum InterfaceAddresses {
    public static func list(netns: String?) throws -> Set<IPAddress> {
        try NetworkNamespace.with(netns) {
            var head: UnsafeMutablePointer<ifaddrs>?
            guard getifaddrs(&head) == 0 else { throw NetlinkError.system(operation: "getifaddrs", errno: errno) }
            defer { freeifaddrs(head) }
            var out = Set<IPAddress>()
            var cursor = head
            while let entry = cursor {
                defer { cursor = entry.pointee.ifa_next }
                guard let sa = entry.pointee.ifa_addr else { continue }
                switch Int32(sa.pointee.sa_family) {
                case AF_INET:
                    sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        _ = out.insert(.v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr)))
                    }
                case AF_INET6:
                    sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        let bytes = withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                        if let ip = IPAddress(bytes: bytes) { _ = out.insert(ip) }
                    }
                default: break
                }
            }
            return out
        }
    }
}
