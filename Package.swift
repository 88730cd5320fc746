// swift-tools-version:6.0
import PackageDescription

/// Release builds optimize across modules but keep every bounds, overflow and exclusivity check and every
/// precondition (plain `-O`): bad input stops with a message instead of reading or writing out of bounds. The hot
/// kernels work on unsafe buffer pointers, which carry no checks either way (BENCHMARKS.md, "Checked release builds").
let fast: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))
]

let package = Package(
    name: "mbmpo",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mbmpo", targets: ["App"]),
        .library(name: "Core", targets: ["Core"]),
        .library(name: "Learner", targets: ["Learner"]),
        .library(name: "Sim", targets: ["Sim"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Viewer", targets: ["Viewer"]),
        .library(name: "TensorBoard", targets: ["TensorBoard"]),
        .library(name: "Plot", targets: ["Plot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // C bindings: system libraries found with pkg-config where Debian ships a .pc file (libmujoco-dev has none)
        .target(name: "CMuJoCo", linkerSettings: [.linkedLibrary("mujoco")]),
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CGLFW", path: "Sources/CGLFW", pkgConfig: "glfw3",
            providers: [.apt(["libglfw3-dev", "libgl-dev"])]),
        .systemLibrary(name: "CEGL", path: "Sources/CEGL", pkgConfig: "egl", providers: [.apt(["libegl-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        // element-wise kernels in C: packed square roots need -fno-math-errno; no fused multiply-adds, so results
        // equal the Swift expressions bit for bit; -O2 in every configuration, so debug tests stay fast
        .target(name: "_NumericKernels", cSettings: [.unsafeFlags(["-O2", "-fno-math-errno", "-ffp-contract=off"])]),
        // Swift modules
        .target(name: "Core", swiftSettings: fast),
        .target(name: "Sim", dependencies: ["Core", "CMuJoCo"], swiftSettings: fast),
        .target(name: "Learner", dependencies: ["Core", "COpenBLAS", "_NumericKernels"], swiftSettings: fast),
        // the viewer and headless renderer: the only code that calls mjv_/mjr_, GLFW and EGL; PNG through zlib
        .target(
            name: "Viewer", dependencies: ["Core", "Sim", "CMuJoCo", "CGLFW", "CEGL", "CZlib"],
            swiftSettings: fast),
        // HDF5 files (trajectories, checkpoints, dataset export) and progress.csv
        .target(name: "Storage", dependencies: ["Core", "Learner", "CHDF5", "CZlib"]),
        // TensorBoard event files
        .target(name: "TensorBoard"),
        // learning curves of run folders: aggregation and the SVG chart
        .target(name: "Plot", dependencies: ["Core", "Learner"]),
        // one run over several processes: MPI_COMM_WORLD as a Communicator
        .target(name: "Cluster", dependencies: ["Core", "CMPI"]),
        // the command-line program
        .executableTarget(
            name: "App",
            dependencies: [
                "Core", "Sim", "Learner", "Viewer", "Storage", "TensorBoard", "Plot", "Cluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fast, plugins: ["BuildInfo"]),
        // the source commit, recorded in every run folder's run-info.json and by `mbmpo --version`
        .plugin(name: "BuildInfo", capability: .buildTool()),
        // tests
        .target(name: "_TestSupport", dependencies: ["Core", "Learner"], path: "Sources/_TestSupport"),
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "SimTests", dependencies: ["Core", "Sim", "_TestSupport"]),
        .testTarget(name: "LearnerTests", dependencies: ["Core", "Learner", "_TestSupport"]),
        .testTarget(
            name: "StorageTests", dependencies: ["Core", "Sim", "Learner", "Storage", "_TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "ViewerTests", dependencies: ["Core", "Sim", "Viewer", "CMuJoCo", "CGLFW"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App", "Core", "Learner", "Sim", "Storage", "TensorBoard", "Plot", "Viewer", "_TestSupport",
            ],
            exclude: ["Snapshots"]),
    ],
    swiftLanguageModes: [.v5]
)
