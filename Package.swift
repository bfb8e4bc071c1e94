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
    ],
    targets: [
        // Pure core: AST, text codec, Kubernetes value types, desired state, diff, plan.
        // No C, no I/O (Foundation only).
        .target(name: "Reconciler"),
        // libnftnl + libmnl, imported only by NetlinkBridge.
        .systemLibrary(name: "CNftnl", pkgConfig: "libnftnl",
                       providers: [.apt(["libnftnl-dev", "libmnl-dev"])]),
        // The only module that touches C: netlink reads and writes of nf_tables.
        .target(name: "NetlinkBridge", dependencies: ["Reconciler", "CNftnl"]),
        // Reads Kubernetes manifests (YAML/JSON files) into Reconciler's value types.
        .target(name: "ClusterSource", dependencies: [
            "Reconciler", .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(
            name: "kpx-reconcile",
            dependencies: [
                "Reconciler", "NetlinkBridge", "ClusterSource",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // End-to-end benchmarks against iptables-restore in throwaway namespaces (root; not run by tests).
        .executableTarget(
            name: "kpx-bench",
            dependencies: [
                "Reconciler", "NetlinkBridge", "ClusterSource",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler"]),
        .testTarget(name: "NetlinkBridgeTests", dependencies: ["NetlinkBridge", "Reconciler"]),
        .testTarget(name: "ClusterSourceTests", dependencies: ["ClusterSource", "Reconciler"]),
        // Runs the built binary and iptables oracles inside throwaway network namespaces.
        .testTarget(name: "IntegrationTests", dependencies: ["Reconciler", "NetlinkBridge", "ClusterSource"]),
    ],
    swiftLanguageModes: [.v6]
)
