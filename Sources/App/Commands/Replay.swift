import ArgumentParser
import Viewer

/// `mbmpo replay`: plays episodes in an interactive GLFW window in real time.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play episodes in a window in real time (needs a display; without one use `mbmpo render` or "
            + "`xvfb-run -a mbmpo replay …`).",
        discussion: """
            Keys and mouse as in MuJoCo's simulate (F1 lists them in the window): space pauses, right arrow steps \
            while paused, + and - change the speed, [ and ] (or C) cycle cameras, Esc returns to the free camera, \
            Backspace (or R) restarts the episode, Page Up selects the parent body, F2 hides the info, Q quits. \
            Mouse: left-drag rotates, right-drag pans, scroll zooms, double-click selects a body, right \
            double-click centres the camera (with Ctrl: tracks the body), Ctrl + left/right drag rotates/translates \
            the selected body (MuJoCo's perturbation).
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
