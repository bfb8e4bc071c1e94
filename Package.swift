// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "kpx-reconcile",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Reconciler", targets: ["Reconciler"]),
        .library(name: "NetlinkBridge", targets: ["NetlinkBridge"]),
        .executable(name: "kpx-reconcile", targets: ["kpx-reconcile"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Node agent (KubeClient, Agent): HTTP client/server, logging, metrics.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Pure core: AST, text codec, Kubernetes value types, desired state, diff, plan.
        // No C, no I/O (Foundation only).
        .target(name: "Reconciler"),
        // libnftnl + libmnl, imported only by NetlinkBridge.
        .systemLibrary(name: "CNetfilter", pkgConfig: "libnftnl",
                       providers: [.apt(["libnftnl-dev", "libmnl-dev"])]),
        // The only module that touches C: netlink reads and writes of nf_tables.
        .target(name: "NetlinkBridge", dependencies: ["Reconciler", "CNetfilter"]),
        // Reads Kubernetes manifests (YAML/JSON files) into Reconciler's value types.
        .target(name: "ClusterSource", dependencies: [
            "Reconciler", .product(name: "Yams", package: "Yams"),
        ]),
        // Kubernetes API list/watch client (kubeconfig, in-cluster) and a manifest-directory source.
        .target(name: "KubeClient", dependencies: [
            "Reconciler", "ClusterSource",
            .product(name: "Yams", package: "Yams"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The node agent: change batching, continuous reconcile, drift repair, metrics, health.
        .target(name: "Agent", dependencies: [
            "Reconciler", "NetlinkBridge", "KubeClient", "ClusterSource",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(
            name: "kpx-reconcile",
            dependencies: [
                "Reconciler", "NetlinkBridge", "ClusterSource", "Agent", "KubeClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildInfo"]),
        // The git revision baked into `kpx-reconcile --version`.
        .plugin(name: "BuildInfo", capability: .buildTool()),
        // End-to-end benchmarks against iptables-restore in throwaway namespaces (root; not run by tests).
        .executableTarget(
            name: "kpx-bench",
            dependencies: [
                "Reconciler", "NetlinkBridge", "ClusterSource", "ReconcilerTesting", "NetlinkBridgeTesting",
                "APIServerSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The loopback API server of the real-path scenarios.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // Generators, oracles and fakes for tests and benchmarks (as swift-nio's NIOTestUtils): never
        // linked into kpx-reconcile (.ci/run checks its symbols).
        .target(name: "ReconcilerTesting", dependencies: ["Reconciler"]),
        .target(name: "NetlinkBridgeTesting", dependencies: ["NetlinkBridge", "Reconciler", "CNetfilter"]),
        // Fuzz harness (libFuzzer via scripts/fuzz.sh; a corpus replayer in a plain build).
        .executableTarget(name: "kpx-fuzz", dependencies: ["Reconciler", "NetlinkBridge", "ClusterSource"]),
        // Process and network-namespace helpers shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler", "ReconcilerTesting"]),
        .testTarget(name: "NetlinkBridgeTests", dependencies: [
            "NetlinkBridge", "Reconciler", "NetlinkBridgeTesting", "TestSupport",
        ]),
        .testTarget(name: "ClusterSourceTests", dependencies: ["ClusterSource", "Reconciler", "ReconcilerTesting"]),
        // kube-proxy's own expectations (proxier_test.go cases, flows, partial syncs) against the
        // desired state and the tracer, from the cases' manifests; one round trip through a kernel.
        .testTarget(name: "KubeProxyOracleTests", dependencies: [
            "ClusterSource", "Reconciler", "ReconcilerTesting", "TestSupport",
        ]),
        // Runs the built binary and iptables oracles inside throwaway network namespaces.
        .testTarget(name: "IntegrationTests", dependencies: [
            "Reconciler", "NetlinkBridge", "ClusterSource", "ReconcilerTesting", "NetlinkBridgeTesting", "TestSupport",
            .product(name: "Yams", package: "Yams"),
        ]),
        // A local Kubernetes API server speaking the list/watch wire protocol (loopback, TLS optional).
        .target(name: "APIServerSupport", dependencies: [
            "Reconciler",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ], path: "Tests/APIServerSupport"),
        // The API client: kubeconfig, in-cluster credentials, TLS, backoff, the node object.
        .testTarget(name: "KubeClientTests", dependencies: [
            "KubeClient", "Reconciler", "APIServerSupport", .product(name: "NIOCore", package: "swift-nio"),
        ], exclude: ["Fixtures"]),
        // The agent against a local fake API server, programming throwaway network namespaces.
        .testTarget(name: "AgentTests", dependencies: [
            "Agent", "KubeClient", "Reconciler", "NetlinkBridge", "ClusterSource", "TestSupport",
            "ReconcilerTesting", "NetlinkBridgeTesting", "APIServerSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// Compiler-enforced boundaries for every Swift target of ours: an import is internal unless
// written `public import` (a module cannot leak what it uses), and a file sees only the members
// of modules it imports itself.
for target in package.targets where target.type != .system && target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
