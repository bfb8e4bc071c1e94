import ClusterSource
import Foundation
import NetlinkBridge
import Reconciler

/// One input through the decoder named by `KPX_FUZZ_TARGET` (`manifest`, `restore`, `netlink`,
/// `watch`): libFuzzer's callback. A crash, a trap or a sanitizer report is a finding; every
/// error a decoder throws is an accepted outcome.
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch FuzzTarget.current {
    case .manifest: FuzzTarget.manifest(bytes)
    case .restore: FuzzTarget.restore(bytes)
    case .netlink: FuzzTarget.netlink(bytes)
    case .watch: FuzzTarget.watch(bytes)
    }
    return 0
}

/// The decoders under fuzzing, each followed by what the product does next with its output,
/// so a value a decoder accepts but later code cannot handle is found too.
enum FuzzTarget: String {
    case manifest, restore, netlink, watch

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["KPX_FUZZ_TARGET"] ?? ""
        guard let t = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("KPX_FUZZ_TARGET must be manifest, restore, netlink or watch\n".utf8))
            exit(2)
        }
        return t
    }()

    /// Manifest bytes (YAML or JSON) -> objects -> validation -> desired state and its text.
    static func manifest(_ bytes: [UInt8]) {
        let loaded = ManifestLoader.parse(Data(bytes), source: "fuzz")
        let (state, _) = ClusterState.validating(services: loaded.services, slices: loaded.slices)
        _ = KubeProxyTextWriter().render(DesiredState.compute(state, settings: settings))
    }

    /// iptables-restore text -> script -> applied to an empty ruleset -> rendered; the same text
    /// read as both families' (`# ipv4` / `# ipv6` sections, as `restore --ip-family all` reads it).
    static func restore(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let script = try? RestoreParser.parse(text), let ruleset = try? script.apply(to: Ruleset(family: .ipv4), noflush: false) {
            _ = SaveRenderer.render(ruleset)
        }
        guard let parts = try? FamilySections.split(text) else { return }
        for part in parts {
            guard let script = try? RestoreParser.parse(part.text, family: part.family),
                  let ruleset = try? script.apply(to: Ruleset(family: part.family), noflush: false) else { continue }
            _ = SaveRenderer.render(ruleset)
        }
    }

    /// A netlink datagram -> NEWRULE messages -> AST rules -> iptables-save lines.
    static func netlink(_ bytes: [UInt8]) {
        guard let rules = try? RuleDatagram.rules(bytes, family: .ipv4) else { return }
        for rule in rules { _ = SaveRenderer.line(chain: "FUZZ", rule: rule, family: .ipv4) }
    }

    /// One watch-stream line (or list page) -> event -> object -> validation, through the
    /// one-pass decoders the agent uses.
    static func watch(_ bytes: [UInt8]) {
        let data = Data(bytes)
        for kind in ObjectKind.allCases {
            if case .success(let (object, _))? = (try? WatchLine.decode(kind, data))?.object { validate(object) }
            for case .success(let (object, _)) in (try? ListPage.decode(kind, data))?.objects ?? [] { validate(object) }
            _ = ListPage.peekContinueToken(data)
        }
    }

    static func validate(_ object: ClusterObject) {
        switch object {
        case .service(let s): _ = s.validate()
        case .endpointSlice(let s, _): _ = s.validate()
        }
    }

    static let settings: ProxySettings = {
        var input = ProxySettingsInput()
        input.hostnameOverride = "node-1"
        input.nodeIPs = ["192.168.0.2"]
        input.clusterCIDRs = ["10.0.0.0/8"]
        return try! input.resolve()
    }()
}
