// swift-tools-version: 6.1
// Micro-benchmarks (ordo-one/benchmark). A nested package so the root package, its tests and CI
// never build the benchmark framework. Run: cd Benchmarks && swift package benchmark
import PackageDescription
import struct Foundation.URL

// A path dependency is identified by its folder's name (the clone's name), not by its manifest.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "kpx-reconcile-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ReconcilerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Reconciler", package: root),
                .product(name: "NetlinkBridge", package: root),
            ],
            path: "Benchmarks/ReconcilerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ],
    swiftLanguageModes: [.v6]
)
