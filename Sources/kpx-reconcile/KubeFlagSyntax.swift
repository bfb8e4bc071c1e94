/// kube-proxy's command-line conventions (Go pflag), rewritten into what swift-argument-parser
/// reads before parsing: a boolean flag given bare means true (`--masquerade-all`), and
/// `=true`/`=false` also works for our switches (`--cleanup=true`); klog's `-v=N` / `--v N`
/// becomes `--log-level` (0-2 info, 3-4 debug, 5+ trace) for the agent and is ignored elsewhere.
enum KubeFlagSyntax {
    /// Options that take a boolean value (`--name=true|false`, or bare = true).
    static let booleanOptions: Set<String> = [
        "--masquerade-all", "--iptables-localhost-nodeports", "--random-fully", "--nfacct", "--conntrack-tcp-be-liberal",
        "--bind-address-hard-fail",
    ]
    /// Switches (present = true).
    static let switches: Set<String> = ["--cleanup", "--dry-run", "--verify", "--strict", "--live", "--verbose", "--noflush", "--stat"]

    static func normalize(_ argv: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        let agent = argv.contains("agent")
        while i < argv.count {
            let arg = argv[i]
            let (name, value) = split(arg)
            if booleanOptions.contains(name), value == nil {
                let next = i + 1 < argv.count ? argv[i + 1] : ""
                if next == "true" || next == "false" { out += [name, next]; i += 2 } else { out.append("\(name)=true"); i += 1 }
                continue
            }
            if switches.contains(name), let value {
                if value == "true" { out.append(name) }
                i += 1
                continue
            }
            if name == "-v" || name == "--v" {
                var level = value
                if level == nil, i + 1 < argv.count, Int(argv[i + 1]) != nil { level = argv[i + 1]; i += 1 }
                if agent, let n = Int(level ?? "") { out += ["--log-level", n >= 5 ? "trace" : n >= 3 ? "debug" : "info"] }
                i += 1
                continue
            }
            out.append(arg)
            i += 1
        }
        return out
    }

    private static func split(_ arg: String) -> (String, String?) {
        guard arg.hasPrefix("-"), let eq = arg.firstIndex(of: "=") else { return (arg, nil) }
        return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
    }
}
