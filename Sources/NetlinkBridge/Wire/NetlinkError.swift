import Glibc

/// Failures of the netlink wire layer, each with the operation that failed.
public enum NetlinkError: Error, Equatable, CustomStringConvertible {
    /// A system call failed (`operation` names it, e.g. "setns /var/run/netns/x").
    case system(operation: String, errno: Int32)
    /// The kernel answered a request with an error reply.
    case kernel(operation: String, errno: Int32, message: String?)
    /// Bytes that do not parse as netlink.
    case malformed(String)
    /// A dump stayed inconsistent (NLM_F_DUMP_INTR) for every attempt.
    case dumpInterrupted(operation: String, attempts: Int)
    /// The peer stopped answering before the exchange was complete.
    case noReply(operation: String)

    public var errno: Int32? {
        switch self {
        case .system(_, let e), .kernel(_, let e, _): return e
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .system(let op, let e): return "\(op): \(Self.errnoText(e))"
        case .kernel(let op, let e, let m): return "\(op): kernel refused: \(Self.errnoText(e))" + (m.map { " (\($0))" } ?? "")
        case .malformed(let what): return "malformed netlink data: \(what)"
        case .dumpInterrupted(let op, let n): return "\(op): dump interrupted by concurrent changes \(n) times"
        case .noReply(let op): return "\(op): no reply from the kernel"
        }
    }

    /// "ENOENT (No such file or directory)"-style text for an errno value.
    public static func errnoText(_ e: Int32) -> String {
        let name = errnoNames[e] ?? "errno \(e)"
        return "\(name) (\(String(cString: strerror(e))))"
    }

    static let errnoNames: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EBADF: "EBADF", EAGAIN: "EAGAIN", ENOMEM: "ENOMEM",
        EACCES: "EACCES", EBUSY: "EBUSY", EEXIST: "EEXIST", EINVAL: "EINVAL", ENOSPC: "ENOSPC", ERANGE: "ERANGE",
        ELOOP: "ELOOP", EMLINK: "EMLINK", EMSGSIZE: "EMSGSIZE", ENOBUFS: "ENOBUFS", EOPNOTSUPP: "EOPNOTSUPP", ENOTEMPTY: "ENOTEMPTY",
        EPROTONOSUPPORT: "EPROTONOSUPPORT", E2BIG: "E2BIG", EFBIG: "EFBIG", ENFILE: "ENFILE", EMFILE: "EMFILE",
        85: "ERESTART", EAFNOSUPPORT: "EAFNOSUPPORT",
    ]
}
