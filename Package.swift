// swift-tools-version:6.0
import PackageDescription

// Baton: train small recurrent models and conduct them live.
// Layers, dependencies one way:
// BatonCore ← BatonTraining, BatonInterop, BatonEnsemble ← BatonServer (+ BatonOSC, BatonMIDI), BatonIMPSY ← BatonCLI ← baton.

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
        .library(name: "BatonEnsemble", targets: ["BatonEnsemble"]),
        .library(name: "BatonOSC", targets: ["BatonOSC"]),
        .library(name: "BatonServer", targets: ["BatonServer"]),
        .library(name: "BatonMIDI", targets: ["BatonMIDI"]),
        .library(name: "BatonIMPSY", targets: ["BatonIMPSY"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // `make docs` only: the DocC archives of the library targets.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Implementation details
        .systemLibrary(
            name: "_COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // No BLAS in the core: inference runs on the project's own SIMD kernels, and only
        // training's batched products go to OpenBLAS (Accelerate on Apple platforms).
        .target(name: "BatonCore"),
        .target(
            name: "BatonTraining",
            dependencies: ["BatonCore", "ZIPFoundation"] + blasDependency
        ),
        .systemLibrary(
            name: "_CHDF5",
            pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"]), .brew(["hdf5"])]
        ),
        .target(
            name: "BatonInterop",
            dependencies: ["BatonCore", "BatonTraining", "_CHDF5", "ZIPFoundation"]
        ),
        .target(name: "BatonOSC"),
        .systemLibrary(
            name: "_CRtMidi",
            pkgConfig: "rtmidi",
            providers: [.apt(["librtmidi-dev"]), .brew(["rtmidi"])]
        ),
        // MIDI ports through RtMidi (ALSA, JACK, CoreMIDI), an in-memory loopback for tests,
        // and IMPSY's mapping of MIDI messages onto an instrument's dimensions.
        .target(name: "BatonMIDI", dependencies: ["_CRtMidi"]),
        // IMPSY's config.toml: read, checked, its model found or stood in for.
        .target(
            name: "BatonIMPSY",
            dependencies: ["BatonCore", "BatonTraining", "BatonInterop", "BatonMIDI", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "BatonEnsemble",
            dependencies: ["BatonCore"]
        ),
        .target(
            name: "BatonServer",
            dependencies: [
                "BatonCore", "BatonTraining", "BatonEnsemble", "BatonOSC", "BatonMIDI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            resources: [.copy("Studio")]
        ),
        .target(
            name: "BatonCLI",
            dependencies: [
                "BatonCore", "BatonTraining", "BatonInterop", "BatonEnsemble", "BatonServer", "BatonMIDI", "BatonIMPSY",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "baton", dependencies: ["BatonCLI"]),
        .executableTarget(name: "BatonBench", dependencies: ["BatonCore", "BatonTraining", "BatonEnsemble", "BatonOSC", "BatonServer", "BatonMIDI"]),

        // MARK: - Tests
        .testTarget(name: "BatonCoreTests", dependencies: ["BatonCore"]),
        .testTarget(name: "BatonTrainingTests", dependencies: ["BatonCore", "BatonTraining"]),
        .testTarget(name: "BatonOSCTests", dependencies: ["BatonOSC"]),
        .testTarget(name: "BatonServerTests", dependencies: [
            "BatonServer", "BatonCore", "BatonTraining", "BatonOSC", "BatonMIDI",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "BatonEnsembleTests", dependencies: ["BatonEnsemble", "BatonCore", "BatonTraining"]),
        .testTarget(name: "BatonInteropTests", dependencies: ["BatonInterop", "BatonCore", "BatonTraining"]),
        .testTarget(name: "BatonCLITests", dependencies: ["BatonCLI", "BatonCore"]),
        .testTarget(name: "BatonMIDITests", dependencies: ["BatonMIDI"]),
        .testTarget(name: "BatonIMPSYTests", dependencies: ["BatonIMPSY", "BatonMIDI", "BatonCore"]),
    ]
)

// MARK: - Fuzzing
// libFuzzer targets (Fuzz/README.md). Adding one: Fuzz/Targets/NAME/main.swift plus one
// line here. `scripts/fuzz.sh` (make fuzz) builds them with -D FUZZING in .build-fuzz;
// a normal build makes them corpus replayers, so they cost the normal build nothing else.
let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("osc-packet", ["BatonOSC"]),
    ("npy-npz", ["BatonTraining"]),
    ("safetensors-model", ["BatonCore"]),
    ("checkpoint-resume", ["BatonCore", "BatonTraining"]),
    ("session-logs", ["BatonCore", "BatonTraining"]),
    ("utf8-prime", ["BatonCore", "BatonEnsemble", "BatonTraining"]),
    ("live-commands", ["BatonCore", "BatonOSC", "BatonServer", "BatonTraining"]),
]
package.targets += [
    .systemLibrary(name: "_CLibFuzzer", path: "Fuzz/CLibFuzzer"),
    .target(name: "BatonFuzzSupport", dependencies: ["_CLibFuzzer"], path: "Fuzz/Support"),
] + fuzzTargets.map {
    .executableTarget(name: "fuzz-\($0.name)", dependencies: ["BatonFuzzSupport"] + $0.dependencies, path: "Fuzz/Targets/\($0.name)")
}
