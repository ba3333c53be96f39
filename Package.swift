// swift-tools-version:6.0
import PackageDescription

// Baton: train small recurrent models and conduct them live.
// Layers, dependencies one way: BatonCore ← BatonTraining ← BatonCLI ← baton.

let blasDependency: [Target.Dependency] = [
    .target(name: "_COpenBLAS", condition: .when(platforms: [.linux, .android, .windows]))
]

let package = Package(
    name: "Baton",
    platforms: [.macOS(.v14)],
    // MARK: - Public API
    products: [
        .executable(name: "baton", targets: ["baton"]),
        .executable(name: "baton-bench", targets: ["BatonBench"]),
        .library(name: "BatonCore", targets: ["BatonCore"]),
        .library(name: "BatonTraining", targets: ["BatonTraining"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - Implementation details
        .systemLibrary(
            name: "_COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "BatonCore",
            dependencies: blasDependency
        ),
        .target(
            name: "BatonTraining",
            dependencies: ["BatonCore"] + blasDependency
        ),
        .target(
            name: "BatonCLI",
            dependencies: [
                "BatonCore", "BatonTraining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "baton", dependencies: ["BatonCLI"]),
        .executableTarget(name: "BatonBench", dependencies: ["BatonCore", "BatonTraining"]),

        // MARK: - Tests
        .testTarget(name: "BatonCoreTests", dependencies: ["BatonCore"]),
        .testTarget(name: "BatonTrainingTests", dependencies: ["BatonCore", "BatonTraining"]),
        .testTarget(name: "BatonCLITests", dependencies: ["BatonCLI", "BatonCore"]),
    ]
)
