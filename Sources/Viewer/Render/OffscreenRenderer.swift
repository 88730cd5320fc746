import CMuJoCo
import Core
import Dispatch
import Sim

/// Renders a model's simulation state to images without any window system: a ``HeadlessContext`` (EGL,
/// surfaceless) plus a ``SceneRenderer`` drawing into MuJoCo's offscreen buffer.
///
/// Use it on one thread only (the OpenGL context is current on the thread that made it).
public final class OffscreenRenderer {
    /// Largest width or height accepted (Mesa's llvmpipe renderbuffers go up to 8192; MuJoCo allocates colour,
    /// depth and a resolve buffer of this size).
    public static let maximumSize = 8192
    public let width: Int
    public let height: Int
    // declared before the context and released first, in deinit: MuJoCo frees its GL objects in the live context
    private var sceneRenderer: SceneRenderer?
    private let context: HeadlessContext

    /// Creates the EGL context and MuJoCo's rendering context with an offscreen buffer of width × height.
    public init(
        model: MuJoCoModel, width: Int, height: Int, quality: RenderQuality = .fast, fontScale: Int = 100
    )
        throws
    {
        guard (1...Self.maximumSize).contains(width), (1...Self.maximumSize).contains(height) else {
            throw RenderError.badSize(width: width, height: height, maximum: Self.maximumSize)
        }
        context = try HeadlessContext()
        let scene = try SceneRenderer(
            model: model, offscreenSize: (width, height), quality: quality,
            fontScale: fontScale)
        scene.useBuffer(offscreen: true)
        sceneRenderer = scene
        (self.width, self.height) = (width, height)
    }

    deinit { sceneRenderer = nil }

    /// The scene and camera (non-nil for the renderer's whole life).
    public var scene: SceneRenderer {
        guard let sceneRenderer else { preconditionFailure("renderer used after release") }
        return sceneRenderer
    }

    /// The full offscreen viewport.
    public var viewport: mjrRect { mjrRect(left: 0, bottom: 0, width: Int32(width), height: Int32(height)) }

    /// Renders the current state of `data`, with an optional two-column text overlay, and reads it back.
    public func render(data: UnsafeMutablePointer<mjData>, overlay: (titles: String, values: String)? = nil) -> Image {
        scene.render(data: data, viewport: viewport)
        if let overlay { scene.overlay(titles: overlay.titles, values: overlay.values, viewport: viewport) }
        return scene.readPixels(viewport: viewport)
    }

    /// The body drawn at each pixel of the current state (see ``SceneRenderer/bodyMask(data:viewport:)``).
    public func bodyMask(data: UnsafeMutablePointer<mjData>) -> [Int] {
        scene.bodyMask(data: data, viewport: viewport)
    }
}

/// Counts from one headless rendering run.
public struct RenderSummary: Equatable, Sendable {
    /// Frames written.
    public var frames: Int
    /// Episodes played.
    public var episodes: Int
    /// Returns of the completed episodes.
    public var returns: [Double]
    /// Wall-clock seconds spent stepping, rendering, reading back and encoding.
    public var seconds: Double
}

/// Receives rendered frames: a folder of PNG files or a video encoder.
public protocol FrameSink: AnyObject {
    /// Stores one frame.
    func write(_ image: Image) throws
    /// Completes the output (flushes and closes files or encoders).
    func finish() throws
}

/// A render stopped by `renderReplay`'s `shouldStop` before its last frame; the sink was not finished.
public struct RenderInterrupted: Error {
    /// Frames handed to the sink before the stop.
    public let frames: Int
}

/// Plays every episode of `driver`, renders the first state and every `every`-th step plus each episode's last
/// state, and hands the frames to `sink`. With `overlay`, frames carry the viewer's text overlay. `shouldStop` is
/// asked before each frame: when it answers true, ``RenderInterrupted`` is thrown and the sink is not finished (a
/// video sink then leaves no file).
public func renderReplay(
    driver: ReplayDriver, renderer: OffscreenRenderer, sink: any FrameSink, every: Int = 1,
    overlay: Bool = false, shouldStop: () -> Bool = { false }
) throws -> RenderSummary {
    precondition(every >= 1, "frame interval must be at least 1, got \(every)")
    let start = DispatchTime.now().uptimeNanoseconds
    let data = driver.source.simulation.data.pointer
    var frames = 0
    while true {
        if shouldStop() { throw RenderInterrupted(frames: frames) }
        if driver.step % every == 0 || driver.end != .running {
            let text = overlay ? OverlayText.make(driver: driver, framesPerSecond: nil, extra: []) : nil
            try sink.write(renderer.render(data: data, overlay: text))
            frames += 1
        }
        try driver.advance()
        if driver.isFinished { break }
    }
    try sink.finish()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return RenderSummary(
        frames: frames, episodes: driver.completedReturns.count, returns: driver.completedReturns,
        seconds: seconds)
}

/// The text of the viewer's overlay: environment, episode, step, return and frame rate.
public enum OverlayText {
    /// Titles and values (one line each, newline-separated) for `mjr_overlay`.
    public static func make(
        driver: ReplayDriver, framesPerSecond: Double?, extra: [(String, String)]
    )
        -> (titles: String, values: String)
    {
        var rows: [(String, String)] = [
            ("Environment", driver.source.name),
            ("Episode", "\(driver.episode + 1) / \(driver.source.episodeCount)"),
            ("Step", "\(driver.step)"),
            ("Return", fixed(driver.episodeReturn, decimals: 2)),
            ("Status", driver.status),
        ]
        if let framesPerSecond { rows.append(("FPS", fixed(framesPerSecond, decimals: 0))) }
        rows += extra
        return (rows.map(\.0).joined(separator: "\n"), rows.map(\.1).joined(separator: "\n"))
    }

    /// Fixed-point text of `value` without Foundation (``fixedPointText(_:decimals:)``, which also takes a
    /// diverged episode's return of 1e39 without trapping).
    public static func fixed(_ value: Double, decimals: Int) -> String { fixedPointText(value, decimals: decimals) }
}
