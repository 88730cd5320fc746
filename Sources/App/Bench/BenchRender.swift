import ArgumentParser
import Core
import Sim
import Viewer

/// `mbmpo bench render`: headless rendering throughput (EGL) by image size and quality, and PNG encoding cost.
struct BenchRender: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Frames/s of step + render + read-back through EGL, per size and quality, and PNG encoding time.")

    @Option(
        help: "Environment: \(EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")).",
        completion: .environments, transform: EnvironmentID.argument)
    var env: EnvironmentID = .halfCheetah

    @Option(help: "Frames timed per configuration.")
    var frames: Int = 200

    @Option(help: "Repeats per configuration (the table shows the range).")
    var repeats: Int = 3

    @OptionGroup var assetOptions: AssetOptions

    func validate() throws {
        guard frames >= 1, repeats >= 1 else { throw ValidationError("--frames and --repeats must be at least 1") }
    }

    func run() throws {
        let id = env
        print(pad("size", 10) + pad("quality", 9) + pad("frames/s (step+render+read)", 29) + "PNG encode ms/frame")
        for (width, height) in [(64, 64), (640, 480)] {
            for quality in RenderQuality.allCases.reversed() {
                let (rates, encodeMilliseconds) = try measure(id: id, width: width, height: height, quality: quality)
                print(
                    pad("\(width)x\(height)", 10) + pad(quality.rawValue, 9)
                        + pad("\(format(rates.min() ?? 0, decimals: 0)) - \(format(rates.max() ?? 0, decimals: 0))", 29)
                        + format(encodeMilliseconds, decimals: 2))
            }
        }
    }

    /// Frame rates of `repeats` timed runs, and the mean PNG encoding time of the last frame.
    func measure(
        id: EnvironmentID, width: Int, height: Int, quality: RenderQuality
    ) throws
        -> (rates: [Double], encodeMilliseconds: Double)
    {
        let environment = try id.make(assets: assetOptions.assets)
        let policy = UniformRandomPolicy(actionSize: environment.spec.actionSize, seed: 1)
        let renderer = try OffscreenRenderer(
            model: environment.simulation.model, width: width, height: height,
            quality: quality)
        let data = environment.simulation.data.pointer
        var rng = SplitMix64(seed: 0)
        var observation = environment.reset(using: &rng)
        var image = renderer.render(data: data)
        var rates: [Double] = []
        for _ in 0..<repeats {
            var clock = Stopwatch()
            for _ in 0..<frames {
                let result = try environment.step(policy.action(observation: observation))
                observation = result.end == .running ? result.observation : environment.reset(using: &rng)
                image = renderer.render(data: data)
            }
            rates.append(Double(frames) / clock.lap())
        }
        let encodes = max(1, min(frames, 50))
        var clock = Stopwatch()
        var bytes = 0
        for _ in 0..<encodes { bytes += PNGEncoder.encode(image).count }
        let milliseconds = clock.lap() * 1e3 / Double(encodes)
        precondition(bytes > 0, "PNG encoder produced nothing")
        return (rates, milliseconds)
    }
}
