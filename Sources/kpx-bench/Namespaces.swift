import Foundation

/// Throwaway network namespaces named `kpxb-<pid>-<n>`; every one created is deleted on `removeAll`.
final class Namespaces {
    private var created: [String] = []
    private var counter = 0
    let prefix = "kpxb-\(getpid())-"

    /// A new, empty namespace.
    func make() throws -> String {
        counter += 1
        let name = prefix + String(counter)
        _ = try ChildProcess.run(["ip", "netns", "add", name])
        created.append(name)
        return name
    }

    func remove(_ name: String) {
        _ = try? ChildProcess.run(["ip", "netns", "delete", name])
        created.removeAll { $0 == name }
    }

    func removeAll() { for n in created { remove(n) } }
}
