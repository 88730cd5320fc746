import ArgumentParser
import Viewer

/// `mbmpo replay`: plays episodes in an interactive GLFW window in real time.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play episodes in a window in real time (needs a display; without one use `mbmpo render` or "
            + "`xvfb-run -a mbmpo replay …`).",
        discussion: """
            Mouse: left-drag rotates, right-drag pans, scroll zooms, double-click selects a body (right \
            double-click centres the camera on the point). Keys: space pauses, right arrow steps while paused, R \
            restarts the episode, [ and ] halve and double the speed, C cycles cameras (free, tracking, the \
            model's cameras), Esc quits.
            """)

    @OptionGroup var source: ReplaySourceOptions

    @Option(help: "Number of episodes to play; the viewer pauses after the last one.")
    var episodes: Int = 10

    @Option(help: "Window width in screen pixels.")
    var width: Int = 1200

    @Option(help: "Window height in screen pixels.")
    var height: Int = 900

    @Option(help: "Rendering quality: full (the model's shadows and reflections) or fast.")
    var quality: RenderQuality = .full

    @Option(help: "Quit after drawing this many frames (for scripted checks).")
    var frames: Int?

    func validate() throws {
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
        guard width >= 1, height >= 1 else { throw ValidationError("--width and --height must be positive") }
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1, got \(frames)") }
    }

    func run() throws {
        let replay = try source.makeSource(episodes: episodes)
        let viewer = try Viewer(driver: ReplayDriver(source: replay), width: width, height: height, quality: quality)
        try viewer.run(maxFrames: frames)
        let driver = viewer.driver
        print(
            "\(replay.name): \(viewer.frameCount) frames, episode \(driver.episode + 1) of "
                + "\(replay.episodeCount), step \(driver.step)")
    }
}
