// swift-tools-version:6.0
import PackageDescription

import Foundation

// The scoring core is the hot path of the worker: release builds drop bounds checks and target
// this machine's vector unit (AVX-512 or AVX2; the kernel keeps 32 support vectors in registers).
// CHURN_TARGET_CPU overrides the choice, e.g. `haswell` for a binary that must run on any AVX2 host.
let targetCPU: String = {
    if let cpu = ProcessInfo.processInfo.environment["CHURN_TARGET_CPU"], !cpu.isEmpty { return cpu }
    let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? []
    if flags.contains("avx512f") && flags.contains("avx512dq") { return "skylake-avx512" }
    if flags.contains("avx2") && flags.contains("fma") { return "haswell" }
    return "x86-64"
}()
#if arch(x86_64)
let cpuFlags = ["-target-cpu", targetCPU]
#else
let cpuFlags: [String] = []
#endif
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"] + cpuFlags, .when(configuration: .release)),
                                // Debug builds optimise the numeric core too: the tests score and explain
                                // thousands of clients, and the worker tests run the debug binary.
                                .unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "churn",
    products: [
        .executable(name: "churn", targets: ["churn"]),
    ],
    targets: [
        // System C libraries from Debian (see scripts/setup.sh).
        .systemLibrary(name: "CSVM", path: "Sources/CSVM", providers: [.apt(["libsvm-dev"])]),
        .systemLibrary(name: "CLinear", path: "Sources/CLinear", providers: [.apt(["liblinear-dev"])]),
        .systemLibrary(name: "CRdKafka", path: "Sources/CRdKafka", pkgConfig: "rdkafka",
                       providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", path: "Sources/CMicroHTTPD", pkgConfig: "libmicrohttpd",
                       providers: [.apt(["libmicrohttpd-dev"])]),

        // Pure model core: feature spec, encoder, SVC scoring, explanations, artifact codec.
        .target(name: "ChurnModel", swiftSettings: fastMath),
        // Training: tables, cleaning, model search, libsvm/liblinear fitting, metrics, report.
        .target(name: "ChurnTraining", dependencies: ["ChurnModel", "CSVM", "CLinear"]),
        // Per-client feature state from events: schema parsing, day windows, ageing, codec, simulator.
        .target(name: "ChurnState", dependencies: ["ChurnModel"], swiftSettings: fastMath),
        // The worker's logic per input partition: alert rule, alerts, recommendations, changelog records. Pure.
        .target(name: "ChurnWorker", dependencies: ["ChurnModel", "ChurnState"], swiftSettings: fastMath),
        // Adapters: Kafka consumer/producer and embedded broker (librdkafka), the run loop, metrics over HTTP.
        .target(name: "ChurnStream", dependencies: ["ChurnWorker", "ChurnState", "ChurnModel", "CRdKafka", "CMicroHTTPD"],
                swiftSettings: fastMath),
        // The CLI: the only place that wires modules together.
        .executableTarget(name: "churn", dependencies: ["ChurnModel", "ChurnTraining", "ChurnState", "ChurnWorker", "ChurnStream"],
                          swiftSettings: fastMath),

        .testTarget(name: "ChurnModelTests", dependencies: ["ChurnModel"]),
        .testTarget(name: "ChurnTrainingTests", dependencies: ["ChurnTraining", "ChurnModel", "CSVM"]),
        .testTarget(name: "ChurnStateTests", dependencies: ["ChurnState", "ChurnModel"]),
        .testTarget(name: "ChurnWorkerTests", dependencies: ["ChurnWorker", "ChurnState", "ChurnModel"]),
        .testTarget(name: "ChurnStreamTests", dependencies: ["ChurnStream", "ChurnWorker", "ChurnState", "ChurnModel", "CRdKafka"]),
        .testTarget(name: "churnTests", dependencies: ["churn", "ChurnModel", "ChurnState", "ChurnTraining", "ChurnWorker", "ChurnStream", "CRdKafka"]),
    ]
)
