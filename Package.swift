// swift-tools-version:6.0
import PackageDescription

/// Release builds of the numeric modules drop bounds/overflow and exclusivity checks so that index loops vectorize
/// (see BENCHMARKS.md); debug builds keep every check.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked", "-cross-module-optimization"],
                 .when(configuration: .release)),
]

let package = Package(
    name: "mbmpo",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mbmpo", targets: ["App"]),
        .library(name: "Learner", targets: ["Learner"]),
        .library(name: "Sim", targets: ["Sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C bindings
        .target(name: "CMuJoCo", linkerSettings: [.linkedLibrary("mujoco")]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CGLFW", path: "Sources/CGLFW"),
        .systemLibrary(name: "CEGL", path: "Sources/CEGL"),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5"),
        // element-wise kernels in C: packed square roots need -fno-math-errno; no fused multiply-adds, so results
        // equal the Swift expressions bit for bit; -O2 in every configuration, so debug tests stay fast
        .target(name: "_NumericKernels", cSettings: [.unsafeFlags(["-O2", "-fno-math-errno", "-ffp-contract=off"])]),
        // Swift modules
        .target(name: "Core", swiftSettings: fast),
        .target(name: "Sim", dependencies: ["Core", "CMuJoCo"], swiftSettings: fast),
        .target(name: "Learner", dependencies: ["Core", "COpenBLAS", "_NumericKernels"], swiftSettings: fast),
        // the viewer and headless renderer: the App's only code that calls mjv_/mjr_, GLFW and EGL; a library
        // inside Sources/App so that tests can import it
        .target(name: "Viewer", dependencies: ["Core", "Sim", "CMuJoCo", "CGLFW", "CEGL"], path: "Sources/App/Viewer",
                swiftSettings: fast),
        // HDF5 files: trajectories, checkpoints, dataset export; a library inside Sources/App so that tests can import it
        .target(name: "Storage", dependencies: ["Core", "Sim", "Learner", "CHDF5"], path: "Sources/App/Storage"),
        .executableTarget(
            name: "App",
            dependencies: [
                "Core", "Sim", "Learner", "Viewer", "Storage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Viewer", "Storage"],
            swiftSettings: fast),
        // tests
        .target(name: "_TestSupport", dependencies: ["Core", "Learner"], path: "Sources/_TestSupport"),
        .testTarget(name: "CoreTests", dependencies: ["Core", "_TestSupport"]),
        .testTarget(name: "SimTests", dependencies: ["Core", "Sim", "_TestSupport"]),
        .testTarget(name: "LearnerTests", dependencies: ["Core", "Learner", "_TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Core", "Sim", "Learner", "Storage", "_TestSupport"]),
        .testTarget(name: "ViewerTests", dependencies: ["Core", "Sim", "Viewer", "CMuJoCo", "CGLFW"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "AppTests", dependencies: ["App", "Learner"], exclude: ["Snapshots"]),
    ],
    swiftLanguageModes: [.v5]
)
