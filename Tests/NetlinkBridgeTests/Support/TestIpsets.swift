import Foundation
@testable import NetlinkBridge

/// Creates, in a test namespace, the ipsets that a restore text's `-m set --match-set NAME DIRS`
/// matches name (iptables-restore refuses rules naming a missing set). The set type follows the
/// number of directions: hash:net, hash:net,port, hash:ip,port,ip. Sets are created in order of
/// first use, so two namespaces loaded from the same text get the same indices.
enum TestIpsets {
    static func referenced(in text: String) -> [(name: String, dimensions: Int)] {
        var order: [String] = []
        var dims: [String: Int] = [:]
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" }).map(String.init)
        for (i, w) in words.enumerated() where w == "--match-set" && i + 2 < words.count {
            let name = words[i + 1], n = words[i + 2].split(separator: ",").count
            if dims[name] == nil { order.append(name) }
            dims[name] = max(dims[name] ?? 0, n)
        }
        return order.map { ($0, dims[$0]!) }
    }

    static func create(for text: String, family: NftFamily, in ns: TestNetns) throws {
        for (name, dimensions) in referenced(in: text) {
            let type = dimensions >= 3 ? "hash:ip,port,ip" : dimensions == 2 ? "hash:net,port" : "hash:net"
            _ = try ns.exec(["ipset", "create", name, type, "family", family == .ipv6 ? "inet6" : "inet"]) as String
        }
    }
}
