import Reconciler

/// Generates kube-proxy-style iptables-restore text for N services (2 endpoints each, session
/// affinity on every 10th, a NodePort on every 5th), shaped like kube-proxy's full sync output.
enum KubeStyleRuleset {
    static func hash(_ s: String) -> String {
        // Deterministic 16-char chain suffix (not kube-proxy's sha256/base32; names only need to be unique).
        var h: UInt64 = 1469598103934665603
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<16).map { i in alphabet[Int((h >> (UInt64(i) * 4 % 60)) & 31)] })
    }

    /// The fixed nat chains and rules every generated ruleset starts with.
    static let preamble: (chains: [String], rules: [String]) = (
        [":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]",
         ":KUBE-MARK-MASQ - [0:0]", ":KUBE-NODEPORTS - [0:0]", ":KUBE-POSTROUTING - [0:0]", ":KUBE-SERVICES - [0:0]"],
        [
            "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
            "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
            "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
            "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
            "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
            "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
        ])

    static func nat(services n: Int) -> String {
        var (decl, rules) = preamble
        for s in 0..<n {
            let spn = "ns\(s % 50)/svc\(s):p80"
            let svc = "KUBE-SVC-" + hash(spn + "tcp")
            let cip = "172.30.\(s / 250).\(s % 250 + 1)"
            decl.append(":\(svc) - [0:0]")
            rules.append("-A KUBE-SERVICES -d \(cip)/32 -p tcp -m comment --comment \"\(spn) cluster IP\" -m tcp --dport 80 -j \(svc)")
            rules.append("-A \(svc) ! -s 10.0.0.0/8 -d \(cip)/32 -p tcp -m comment --comment \"\(spn) cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ")
            if s % 5 == 0 {
                let ext = "KUBE-EXT-" + hash(spn + "tcp")
                decl.append(":\(ext) - [0:0]")
                rules.append("-A KUBE-NODEPORTS -p tcp -m comment --comment \"\(spn)\" -m tcp --dport \(30000 + s % 2000) -j \(ext)")
                rules.append("-A \(ext) -m comment --comment \"masquerade traffic for \(spn) external destinations\" -j KUBE-MARK-MASQ")
                rules.append("-A \(ext) -j \(svc)")
            }
            for e in 0..<2 {
                let ip = "10.\(1 + s / 60000).\((s / 250) % 240).\(s % 250 + 1 + e)"
                let sep = "KUBE-SEP-" + hash(spn + "tcp" + ip + ":8080")
                decl.append(":\(sep) - [0:0]")
                let affinity = s % 10 == 0
                if affinity {
                    rules.append("-A \(svc) -m comment --comment \"\(spn) -> \(ip):8080\" -m recent --name \(sep) --rcheck --seconds 10800 --reap -j \(sep)")
                }
                let stat = e == 0 ? " -m statistic --mode random --probability 0.5000000000" : ""
                rules.append("-A \(svc) -m comment --comment \"\(spn) -> \(ip):8080\"\(stat) -j \(sep)")
                rules.append("-A \(sep) -s \(ip)/32 -m comment --comment \"\(spn)\" -j KUBE-MARK-MASQ")
                let recent = affinity ? " -m recent --name \(sep) --set" : ""
                rules.append("-A \(sep) -p tcp -m comment --comment \"\(spn)\"\(recent) -m tcp -j DNAT --to-destination \(ip):8080")
            }
        }
        rules.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
        return "*nat\n" + decl.joined(separator: "\n") + "\n" + rules.joined(separator: "\n") + "\nCOMMIT\n"
    }
}

extension KubeStyleRuleset {
    /// The nat ruleset of `scripts/bench-netlink.sh` (same text for the same N): N services with
    /// a cluster IP and 2 endpoints each, kube-proxy's real chain names (sha256/base32).
    static func benchNat(services n: Int) -> String {
        var (decl, rules) = preamble
        for s in 0..<n {
            let spn = "ns\(s % 50)/svc\(s):p80", svc = "KUBE-SVC-" + KubeChains.hash16(spn + "tcp")
            let cip = "172.30.\(s / 250).\(s % 250 + 1)"
            decl.append(":\(svc) - [0:0]")
            rules.append("-A KUBE-SERVICES -d \(cip)/32 -p tcp -m comment --comment \"\(spn) cluster IP\" -m tcp --dport 80 -j \(svc)")
            rules.append("-A \(svc) ! -s 10.0.0.0/8 -d \(cip)/32 -p tcp -m comment --comment \"\(spn) cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ")
            for e in 0..<2 {
                let ip = "10.\(1 + s / 60000).\((s / 250) % 240).\(s % 250 + 1 + e)"
                let sep = "KUBE-SEP-" + KubeChains.hash16(spn + "tcp" + ip + ":8080")
                decl.append(":\(sep) - [0:0]")
                let stat = e == 0 ? " -m statistic --mode random --probability 0.5000000000" : ""
                rules.append("-A \(svc) -m comment --comment \"\(spn) -> \(ip):8080\"\(stat) -j \(sep)")
                rules.append("-A \(sep) -s \(ip)/32 -m comment --comment \"\(spn)\" -j KUBE-MARK-MASQ")
                rules.append("-A \(sep) -p tcp -m comment --comment \"\(spn)\" -m tcp -j DNAT --to-destination \(ip):8080")
            }
        }
        rules.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
        return "*nat\n" + decl.joined(separator: "\n") + "\n" + rules.joined(separator: "\n") + "\nCOMMIT\n"
    }
}
