// swift-tools-version:6.0
import PackageDescription

// The scoring core is the hot path of the worker: let the optimizer drop bounds checks there.
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

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

        // Pure model core: feature spec, encoder, SVC scoring, explanations, artifact codec.
        .target(name: "ChurnModel", swiftSettings: fastMath),
        // Training: tables, cleaning, model search, libsvm/liblinear fitting, metrics, report.
        .target(name: "ChurnTraining", dependencies: ["ChurnModel", "CSVM", "CLinear"]),
        // The CLI: the only place that wires modules together.
        .executableTarget(name: "churn", dependencies: ["ChurnModel", "ChurnTraining"]),

        .testTarget(name: "ChurnModelTests", dependencies: ["ChurnModel"]),
        .testTarget(name: "ChurnTrainingTests", dependencies: ["ChurnTraining", "ChurnModel", "CSVM"]),
        .testTarget(name: "churnTests", dependencies: ["churn"]),
    ]
)
