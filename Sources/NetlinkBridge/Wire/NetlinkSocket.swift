import CNetfilter
import Glibc

/// A NETLINK_NETFILTER socket (libmnl) bound in a network namespace, with large buffers, capped
/// acks and extended acks: the one place that opens, binds, enters a namespace for, configures
/// and closes a netfilter netlink socket (requests, dumps and the event subscription all use it).
public final class NetlinkSocket: MessageExchange {
    private let socket: OpaquePointer
    public let portID: UInt32
    private var buffer: [UInt8]

    /// Default forced buffer sizes: large batches and dumps of ~100k rules.
    public static let defaultBufferSize: Int32 = 64 << 20

    /// Opens the socket inside namespace `netns` (a name under /var/run/netns or a path), or in the
    /// current namespace when nil. `purpose` names it in errors.
    public init(netns: String? = nil, bufferSize: Int32 = NetlinkSocket.defaultBufferSize,
                purpose: String = "requests") throws {
        let opened: OpaquePointer? = try NetworkNamespace.with(netns) {
            mnl_socket_open2(NETLINK_NETFILTER, Int32(SOCK_CLOEXEC.rawValue))
        }
        guard let opened else {
            throw NetlinkError.system(operation: "socket(NETLINK_NETFILTER) for \(purpose)\(netns.map { " in netns \($0)" } ?? "")",
                                      errno: errno)
        }
        socket = opened
        buffer = []
        guard mnl_socket_bind(opened, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let e = errno
            mnl_socket_close(opened)
            throw NetlinkError.system(operation: "bind netlink socket for \(purpose)", errno: e)
        }
        portID = mnl_socket_get_portid(opened)
        try setOption(SOL_SOCKET, SO_SNDBUFFORCE, bufferSize, "SO_SNDBUFFORCE")
        try setOption(SOL_SOCKET, SO_RCVBUFFORCE, bufferSize, "SO_RCVBUFFORCE")
        try setOption(SOL_NETLINK, NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK")
        try setOption(SOL_NETLINK, NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK")
    }

    deinit { mnl_socket_close(socket) }

    /// The descriptor, for `poll`.
    public var fileDescriptor: Int32 { mnl_socket_get_fd(socket) }

    /// Joins (true) or leaves (false) multicast group `group` (e.g. NFNLGRP_NFTABLES).
    public func membership(_ group: Int32, _ on: Bool) throws {
        let option = on ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP
        try setOption(SOL_NETLINK, option, group, "\(on ? "join" : "leave") netlink group \(group)")
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws {
        var v = value
        guard setsockopt(mnl_socket_get_fd(socket), level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw NetlinkError.system(operation: "setsockopt \(label)", errno: errno)
        }
    }

    public func send(_ messages: [NetlinkMessage]) throws {
        var datagram = [UInt8]()
        datagram.reserveCapacity(messages.reduce(0) { $0 + NetlinkMessage.headerSize + ByteCoding.align4($1.payload.count) })
        for m in messages { m.appendEncoded(to: &datagram) }
        let sent = datagram.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        guard sent == datagram.count else {
            throw NetlinkError.system(operation: "sendto netlink (\(datagram.count) bytes, \(messages.count) messages)",
                                      errno: sent < 0 ? errno : EMSGSIZE)
        }
    }

    /// Sends the datagram's chunks with one `sendmsg` (the kernel copies them into one buffer).
    public func send(_ datagram: BatchDatagram) throws {
        let total = datagram.byteCount
        var iovecs: [iovec] = []
        iovecs.reserveCapacity(datagram.chunks.count)
        let sent = Self.withIOVecs(datagram.chunks[...], &iovecs) { chunks -> Int in
            var iovecs = chunks, address = sockaddr_nl()
            address.nl_family = sa_family_t(AF_NETLINK)
            return withUnsafeMutablePointer(to: &address) { addr in
                iovecs.withUnsafeMutableBufferPointer { iov in
                    var header = msghdr(msg_name: UnsafeMutableRawPointer(addr),
                                        msg_namelen: socklen_t(MemoryLayout<sockaddr_nl>.size),
                                        msg_iov: iov.baseAddress, msg_iovlen: iov.count,
                                        msg_control: nil, msg_controllen: 0, msg_flags: 0)
                    return sendmsg(mnl_socket_get_fd(socket), &header, 0)
                }
            }
        }
        guard sent == total else {
            throw NetlinkError.system(operation: "sendmsg netlink (\(total) bytes, \(datagram.messageCount) messages)",
                                      errno: sent < 0 ? errno : EMSGSIZE)
        }
    }

    /// Calls `body` with one iovec per chunk, each valid during the call.
    private static func withIOVecs<R>(_ chunks: ArraySlice<[UInt8]>, _ iovecs: inout [iovec],
                                      _ body: ([iovec]) -> R) -> R {
        guard let first = chunks.first else { return body(iovecs) }
        return first.withUnsafeBytes { raw in
            iovecs.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count))
            return withIOVecs(chunks.dropFirst(), &iovecs, body)
        }
    }

    /// Receive buffer size. nfnetlink datagrams are far smaller: dump datagrams are capped at
    /// 32 KiB and every attribute length is a u16, so one recv per datagram (no MSG_PEEK for the
    /// size first) is enough; a larger datagram is reported, never silently truncated.
    public static let receiveBufferSize = 1 << 18

    public func receive(wait: Bool) throws -> [NetlinkMessage]? {
        var out: [NetlinkMessage]?
        _ = try receive(wait: wait) { out = try NetlinkMessage.parseAll($0) }
        return out
    }

    public func receive(wait: Bool, into body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        let fd = mnl_socket_get_fd(socket)
        if buffer.count < Self.receiveBufferSize { buffer = [UInt8](repeating: 0, count: Self.receiveBufferSize) }
        while true {
            let n = buffer.withUnsafeMutableBytes {
                recv(fd, $0.baseAddress, $0.count, Int32(MSG_TRUNC) | (wait ? 0 : Int32(MSG_DONTWAIT)))
            }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if !wait && (e == EAGAIN || e == EWOULDBLOCK) { return false }
                throw NetlinkError.system(operation: "recv netlink", errno: e)
            }
            guard n <= buffer.count else {
                throw NetlinkError.malformed("datagram of \(n) bytes exceeds the \(buffer.count)-byte receive buffer")
            }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            return true
        }
    }
}
