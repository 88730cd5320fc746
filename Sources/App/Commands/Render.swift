import ArgumentParser
import Foundation
import Sim
import Viewer

/// `mbmpo render`: headless rendering (EGL, no X server) to PNG frames or an MP4 video.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render episodes offscreen (EGL, no display needed) to a folder of PNG frames or an MP4 file.",
        discussion: "--out DIR writes DIR/frame-000000.png, …; --out FILE.mp4 pipes raw RGB frames to ffmpeg "
            + "(H.264), which must be on PATH. The camera follows the robot.")

    @OptionGroup var source: ReplaySourceOptions

    @Option(help: "Number of episodes.")
    var episodes: Int = 1

    @Option(help: "Image width in pixels.")
    var width: Int = 640

    @Option(help: "Image height in pixels.")
    var height: Int = 480

    @Option(help: "Render every N-th step (plus each episode's first and last state).")
    var every: Int = 1

    @Option(
        help: ArgumentHelp(
            "Rendering quality: fast (no shadows, reflections or multisampling: about 6-8x faster at 640x480 and "
                + "13-19x at 64x64 on software OpenGL, `mbmpo bench render`) or full."))
    var quality: RenderQuality = .fast

    @Flag(help: "Draw the viewer's text overlay (environment, episode, step, return) on the frames.")
    var overlay = false

    @Option(help: "Output: a folder for PNG frames, or a file ending in .mp4.")
    var out: String

    func validate() throws {
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
        guard every >= 1 else { throw ValidationError("--every must be at least 1, got \(every)") }
        let limit = OffscreenRenderer.maximumSize
        guard (1...limit).contains(width), (1...limit).contains(height) else {
            throw ValidationError("--width and --height must be in 1…\(limit), got \(width)×\(height)")
        }
    }

    func run() throws {
        let video = out.lowercased().hasSuffix(".mp4")
        // fail before any work when the encoder is missing
        if video && VideoSink.findFFmpeg() == nil { throw VideoError.ffmpegMissing }
        let replay = try source.makeSource(episodes: episodes)
        let driver = try ReplayDriver(source: replay)
        let renderer = try OffscreenRenderer(
            model: replay.simulation.model, width: width, height: height,
            quality: quality)
        // Ctrl-C or TERM stops at the next frame: a video is abandoned (ffmpeg's partial file removed, an existing
        // --out left as it was), PNG frames written so far stay; a second Ctrl-C or TERM quits at once
        Interruption.install(quiet: true)
        defer { Interruption.uninstall() }
        let summary: RenderSummary
        do {
            let sink: any FrameSink =
                video
                ? try VideoSink(
                    path: out, width: width, height: height, framesPerSecond: 1 / (replay.dt * Double(every)))
                : try PNGFolderSink(folder: out)
            summary = try renderReplay(
                driver: driver, renderer: renderer, sink: sink, every: every, overlay: overlay,
                shouldStop: { Interruption.isRequested })
        } catch {
            // the terminal's Ctrl-C also reaches ffmpeg, whose exit may be seen first as a write failure
            guard Interruption.isRequested else { throw error }
            let frames = (error as? RenderInterrupted).map { " after \($0.frames) frames" } ?? ""
            FileHandle.standardError.write(
                Data(
                    ("interrupted\(frames): "
                        + (video ? "no video written, \(out) left as it was" : "the frames so far are in \(out)")
                        + "\n").utf8))
            throw ExitCode(Interruption.exitCode)
        }
        let returns = summary.returns.map { format($0, decimals: 2) }.joined(separator: ", ")
        print(
            "\(replay.name): \(summary.frames) frames of \(width)×\(height), \(summary.episodes) episode(s) "
                + "(return \(returns)), written to \(out) in \(format(summary.seconds, decimals: 2)) s "
                + "(\(format(Double(summary.frames) / max(summary.seconds, 1e-9), decimals: 1)) frames/s)")
    }
}
