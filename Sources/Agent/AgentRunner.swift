import ClusterSource
import Dispatch
import Foundation
import KubeClient
public import Logging
public import Reconciler

/// Builds the sources and the agent, serves the endpoints, and stops on SIGTERM/SIGINT.
public struct AgentRunner: Sendable {
    public var configuration: AgentConfiguration
    public var kubeconfig: String?
    public var master: String?
    public var servicesDir: String?
    public var metricsAddress: String
    public var healthzAddress: String
    /// `--topology-zone` was given: the node's zone label does not override it.
    public var pinnedZone: Bool
    public var logger: Logger
    /// Signals that stop the agent.
    public var stopSignals: [Int32] = [SIGTERM, SIGINT]
    /// The settings as given, when the node object may complete them (node IPs when none were
    /// given, pod CIDRs for `NodeCIDR` local detection): re-resolved after the node is read.
    public var settingsInput: ProxySettingsInput?
    /// `--bind-address-hard-fail`: a metrics or healthz address that cannot be bound stops the agent.
    public var bindAddressHardFail = false
    /// kube-proxy's conntrack settings, written at start (with route_localnet) in the target namespace.
    public var conntrack = NodeSysctls.Conntrack()
    /// `kpx-reconcile --version`'s version and git revision (logged, and the build-info gauge).
    public var build = (version: "dev", revision: "unknown")
    /// Called once the agent and its endpoints are up (tests read the ports from it).
    public var started: @Sendable (ProxyAgent, AgentEndpoints) -> Void = { _, _ in }

    public init(configuration: AgentConfiguration, kubeconfig: String?, master: String?, servicesDir: String?,
                metricsAddress: String, healthzAddress: String, pinnedZone: Bool, logger: Logger) {
        self.configuration = configuration
        self.kubeconfig = kubeconfig
        self.master = master
        self.servicesDir = servicesDir
        self.metricsAddress = metricsAddress
        self.healthzAddress = healthzAddress
        self.pinnedZone = pinnedZone
        self.logger = logger
    }

    /// Runs until one of `stopSignals` arrives; the rules stay in place.
    public func run() async throws {
        let (sources, client, configuration) = try await makeSources()
        let agent = try ProxyAgent(configuration: configuration, sources: sources, logger: logger)
        agent.metrics.recordBuildInfo(version: build.version, revision: build.revision)
        applySysctls(configuration)
        let endpoints: AgentEndpoints
        do {
            endpoints = try await AgentEndpoints.start(agent: agent, metricsAddress: metricsAddress, healthzAddress: healthzAddress,
                                                       hardFail: bindAddressHardFail)
        } catch {
            await client?.shutdown()
            throw error
        }
        let signals = stopSignals.map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [logger] in
                logger.info("signal received; stopping after the current transaction", metadata: ["signal": "\(number)"])
                agent.shutdown()
            }
            source.resume()
            return source
        }
        logger.info("agent started", metadata: [
            "version": "\(build.version)", "revision": "\(build.revision)",
            "node": "\(configuration.settings.nodeName)", "netns": "\(configuration.netns ?? "(own)")",
            "source": "\(servicesDir.map { "dir \($0)" } ?? "api \(client?.endpoint.server ?? "")")",
            "metrics": "\(metricsAddress)", "healthz": "\(healthzAddress)"])
        started(agent, endpoints)
        await agent.run()
        for (source, number) in zip(signals, stopSignals) {
            source.cancel()
            signal(number, SIG_DFL)
        }
        await endpoints.stop()
        await client?.shutdown()
    }

    /// What the node object adds to the settings: its zone (unless pinned), its addresses when no
    /// node IP was given, its pod CIDRs for NodeCIDR local detection when none were given.
    func complete(_ configuration: inout AgentConfiguration, from node: NodeInfo) throws {
        if !pinnedZone { configuration.updateFamilies { $0.topologyZone = node.zone } }
        guard var input = settingsInput else { return }
        var changed = false
        if input.nodeIPs == nil, !node.addresses.isEmpty { input.nodeIPs = node.addresses; changed = true }
        if input.podCIDRs == nil, !node.podCIDRs.isEmpty { input.podCIDRs = node.podCIDRs; changed = true }
        guard changed else { return }
        // The node's addresses decide the families too (a dual-stack node proxies both).
        var resolved = try input.resolveFamilies()
        let zone = configuration.settings.topologyZone, name = configuration.settings.nodeName
        for i in resolved.settings.indices {
            resolved.settings[i].topologyZone = zone
            if resolved.settings[i].nodeName.isEmpty { resolved.settings[i].nodeName = name }
        }
        for warning in resolved.warnings { logger.warning("\(warning)") }
        configuration.proxy(resolved)
        logger.info("settings completed from the node object", metadata: [
            "nodeIPs": "\(configuration.settings.nodeIPs.map(\.description).joined(separator: ","))", "podCIDRs": "\(node.podCIDRs.joined(separator: ","))",
            "families": "\(resolved.families.map(\.rawValue).joined(separator: ","))"])
    }

    /// kube-proxy's conntrack sysctls and route_localnet; a setting the kernel refuses is logged
    /// once and does not stop the agent.
    func applySysctls(_ configuration: AgentConfiguration) {
        // route_localnet is IPv4's: wanted when the IPv4 family (primary or not) serves localhost NodePorts.
        let routeLocalnet = configuration.families.contains(where: NodeSysctls.wantsRouteLocalnet)
        let settings = NodeSysctls.settings(conntrack, cpus: ProcessInfo.processInfo.activeProcessorCount,
                                            routeLocalnet: routeLocalnet, currentHashsize: NodeSysctls.currentHashsize())
        for problem in NodeSysctls.apply(settings, netns: configuration.netns) {
            logger.warning("kernel setting not applied", metadata: ["setting": "\(problem)"])
        }
        if routeLocalnet {
            logger.info("route_localnet=1 allows NodePorts on localhost; disable --iptables-localhost-nodeports or set --nodeport-addresses to avoid it")
        }
    }

    /// The manifest directory, or the API (Services, EndpointSlices, the node) with the zone
    /// label read once before the first sync.
    func makeSources() async throws -> ([any ClusterEventSource], KubeAPIClient?, AgentConfiguration) {
        var configuration = self.configuration
        if let servicesDir { return ([DirectorySource(directory: servicesDir, logger: logger)], nil, configuration) }
        let api = try KubeAPIClient(endpoint: try KubeEndpoint.resolve(kubeconfig: kubeconfig, master: master))
        if pinnedZone { configuration.followsNodeZone = false }
        do {
            let node = try await NodeInfo.fetch(configuration.settings.nodeName, client: api)
            try complete(&configuration, from: node)
        } catch let error as SettingsError {
            throw error
        } catch {
            logger.warning("cannot read the node object; no zone, node IPs and pod CIDRs only from flags", metadata: ["error": "\(error)"])
        }
        let sources: [any ClusterEventSource] = [
            Reflector(client: api, kind: .service, logger: logger),
            Reflector(client: api, kind: .endpointSlice, logger: logger),
            // The node's zone label and whether it is being deleted (/healthz).
            NodeSource(client: api, name: configuration.settings.nodeName, logger: logger),
        ]
        return (sources, api, configuration)
    }
}
