import CNetfilter
import Glibc

/// Runs a short synchronous body with the calling thread switched into a named network namespace
/// (`/var/run/netns/NAME`, as `ip netns` creates them), restoring the thread's own namespace before
/// returning. `setns` is per thread: the body must not suspend.
public enum NetworkNamespace {
    public static func path(_ name: String) -> String {
        name.hasPrefix("/") ? name : "/var/run/netns/\(name)"
    }

    /// Runs `body` inside namespace `name`, or in the current namespace when `name` is nil.
    public static func with<T>(_ name: String?, _ body: () throws -> T) throws -> T {
        guard let name else { return try body() }
        let target = path(name)
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw NetlinkError.system(operation: "open /proc/thread-self/ns/net", errno: errno) }
        defer { close(original) }
        let fd = open(target, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw NetlinkError.system(operation: "open \(target)", errno: errno) }
        defer { close(fd) }
        guard kpx_setns(fd, kpx_clone_newnet()) == 0 else {
            throw NetlinkError.system(operation: "setns \(target)", errno: errno)
        }
        defer {
            // Failing to return to our namespace would leave this thread in the wrong one.
            if kpx_setns(original, kpx_clone_newnet()) != 0 {
                fatalError("cannot restore the thread's network namespace: errno \(errno)")
            }
        }
        return try body()
    }
}
