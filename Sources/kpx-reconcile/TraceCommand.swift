import ArgumentParser
import Foundation
import NetlinkBridge
import Reconciler

/// `kpx-reconcile trace`: where a packet goes through the Service rules and why, from the live
/// tables of a namespace (over netlink) or from manifests (no kernel needed).
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Explain a packet's path through the Service rules: live (--netns) or from manifests (--services).",
        discussion: """
            Follows the first packet of a new connection as the kernel's hooks do (nat PREROUTING, or nat OUTPUT \\
            for a packet from a node address; filter INPUT/FORWARD/OUTPUT; nat POSTROUTING), every random branch \\
            included. Exit status: 0 traced, 1 error.
            """)

    @Option(name: .long, help: "Trace the live tables of this network namespace (name or path).")
    var netns: String?

    @Flag(name: .long, help: "Trace the live tables of the current namespace.")
    var live = false

    @Option(name: .customLong("services"), parsing: .upToNextOption, help: "Trace the rules computed from these manifests instead.")
    var services: [String] = []

    @OptionGroup var proxy: ProxySettingsOptions

    @Option(name: .long, help: "Source address.") var src: String
    @Option(name: .long, help: "Source port (rules on it are assumed not to match when not given).") var sport: Int?
    @Option(name: .long, help: "Destination address.") var dst: String
    @Option(name: .long, help: "Destination port.") var dport: Int
    @Option(name: .long, help: "tcp, udp or sctp.") var proto: String = "tcp"
    @Option(name: .long, help: "text or json.") var output: DumpOutput = .text
    @Flag(name: .long, help: "List every rule looked at, not only those that matched.") var verbose = false

    func validate() throws {
        guard (netns != nil || live) != !services.isEmpty else {
            throw ValidationError("give --netns NS (or --live) for the live tables, or --services FILE... for manifests")
        }
    }

    func run() throws {
        let packet = try tracePacket()
        let (ruleset, local) = try rulesAndLocalAddresses(family: packet.destination.family)
        let tracer = KernelTracer(ruleset: ruleset, localAddresses: local)
        let result = tracer.trace(packet)
        if output == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(TraceRenderer(verbose: verbose).render(result, packet: packet, fromNode: tracer.localAddresses.contains(packet.source)),
                  terminator: "")
        }
    }

    func tracePacket() throws -> TracePacket {
        guard let source = IPAddress.kube(src) else { throw CLIError("--src \(src): not an IP address") }
        guard let destination = IPAddress.kube(dst) else { throw CLIError("--dst \(dst): not an IP address") }
        guard source.family == destination.family else { throw CLIError("--src and --dst must be of one IP family") }
        guard let l4 = L4Protocol(rawValue: proto.uppercased()) else { throw CLIError("--proto \(proto): want tcp, udp or sctp") }
        for (name, port) in [("--dport", dport), ("--sport", sport ?? 1)] where !(1...65535).contains(port) {
            throw CLIError("\(name) \(port): out of range 1-65535")
        }
        return TracePacket(source: source, sourcePort: sport, destination: destination, destinationPort: dport, proto: l4)
    }

    /// The ruleset and the node's addresses: read over netlink, or computed (node IPs from the flags).
    func rulesAndLocalAddresses(family: IPFamily) throws -> (Ruleset, Set<IPAddress>) {
        if !services.isEmpty {
            var proxy = self.proxy
            if proxy.ipFamily == nil { proxy.ipFamily = family.rawValue }
            let desired = try DesiredInput.load(files: services, proxy: proxy, strict: false)
            return (desired.first, Set(try proxy.settings().nodeIPs))
        }
        let backend = try NetlinkBackend(netns: netns)
        let observed = try backend.observe(family: family, tables: [.filter, .nat])
        return (observed.ruleset, try InterfaceAddresses.list(netns: netns))
    }
}
