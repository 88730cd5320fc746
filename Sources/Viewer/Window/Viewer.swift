import CGLFW
import CMuJoCo
import Foundation

/// An interactive GLFW window that plays a ``ReplayDriver`` in real time, following MuJoCo's `basic.cc`: one
/// window, one `SceneRenderer`, mouse callbacks that move the camera, and a loop that advances the simulation to
/// wall-clock time, renders, swaps and polls events.
///
/// Keys: space pauses, → single-steps while paused, R restarts the episode, [ and ] halve and double the speed,
/// C cycles cameras (free, tracking, the model's cameras), Esc quits. Mouse: left-drag rotates, right-drag pans
/// (shift: horizontal plane), scroll zooms, left double-click selects a body, right double-click centres the
/// camera on the point under the cursor.
///
/// GLFW callbacks reach the viewer through the window's user pointer. Use from one thread.
public final class Viewer {
    let window: OpaquePointer
    // released in deinit before the window, while its OpenGL context is still current
    private var sceneRenderer: SceneRenderer?
    public let driver: ReplayDriver
    /// Whether the simulation waits (space toggles).
    public var paused = false
    /// Simulated seconds per wall-clock second.
    public private(set) var speed = 1.0
    /// The body selected by double-click, highlighted in the scene.
    public private(set) var selectedBody: Int?
    /// Frames drawn so far.
    public private(set) var frameCount = 0
    var mouse = MouseState()
    var simulationDebt = 0.0
    var lastTime = 0.0
    var fps = FrameRateMeter()
    /// An error raised inside a GLFW callback, rethrown by the loop.
    var pendingError: Error?

    /// Opens a width × height window (visible unless `visible` is false) and builds the scene in its context.
    /// Throws ``RenderError/noDisplay`` without an X display, and ``RenderError/glfw(_:)`` when GLFW fails.
    public init(
        driver: ReplayDriver, width: Int = 1200, height: Int = 900, visible: Bool = true,
        quality: RenderQuality = .full
    ) throws {
        let environment = ProcessInfo.processInfo.environment
        guard !(environment["DISPLAY"] ?? "").isEmpty || !(environment["WAYLAND_DISPLAY"] ?? "").isEmpty else {
            throw RenderError.noDisplay
        }
        guard glfwInit() == GLFW_TRUE else { throw RenderError.glfw(Self.lastGLFWError("glfwInit failed")) }
        glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE)
        guard let window = glfwCreateWindow(Int32(width), Int32(height), "mbmpo: \(driver.source.name)", nil, nil)
        else {
            let message = Self.lastGLFWError("glfwCreateWindow failed")
            glfwTerminate()
            throw RenderError.glfw(message)
        }
        glfwMakeContextCurrent(window)
        glfwSwapInterval(1)
        self.window = window
        self.driver = driver
        do {
            sceneRenderer = try SceneRenderer(model: driver.source.simulation.model, quality: quality, fontScale: 150)
        } catch {
            glfwDestroyWindow(window)
            glfwTerminate()
            throw error
        }
        scene.useBuffer(offscreen: false)
        installCallbacks()
        lastTime = glfwGetTime()
    }

    deinit {
        sceneRenderer = nil
        glfwSetWindowUserPointer(window, nil)
        glfwDestroyWindow(window)
        glfwTerminate()
    }

    /// The scene and camera.
    public var scene: SceneRenderer {
        guard let sceneRenderer else { preconditionFailure("viewer used after release") }
        return sceneRenderer
    }

    /// The description of GLFW's last error, or `fallback`.
    static func lastGLFWError(_ fallback: String) -> String {
        var description: UnsafePointer<CChar>?
        let code = glfwGetError(&description)
        guard code != GLFW_NO_ERROR, let description else { return fallback }
        return String(cString: description)
    }

    /// Runs until the window is closed, Esc is pressed, or `maxFrames` frames have been drawn.
    public func run(maxFrames: Int? = nil) throws {
        while glfwWindowShouldClose(window) == 0 {
            try advanceToWallClock()
            drawFrame()
            glfwSwapBuffers(window)
            glfwPollEvents()
            if let pendingError { throw pendingError }
            if let maxFrames, frameCount >= maxFrames { break }
        }
    }

    /// Steps the simulation by the simulated time owed since the last frame (at most 0.1 s of wall time, so a
    /// slow frame never triggers a burst of catch-up steps). Nothing happens while paused or finished.
    func advanceToWallClock() throws {
        let now = glfwGetTime()
        let elapsed = min(now - lastTime, 0.1)
        lastTime = now
        if driver.isFinished { paused = true }
        guard !paused else {
            simulationDebt = 0
            return
        }
        simulationDebt += elapsed * speed
        let dt = driver.source.dt
        while simulationDebt >= dt {
            try driver.advance()
            simulationDebt -= dt
            if driver.isFinished {
                paused = true
                break
            }
        }
    }

    /// Renders the scene and the overlay into the window's back buffer, sized to the framebuffer (so the aspect
    /// ratio follows the window).
    public func drawFrame() {
        var width: Int32 = 0, height: Int32 = 0
        glfwGetFramebufferSize(window, &width, &height)
        let viewport = mjrRect(left: 0, bottom: 0, width: width, height: height)
        scene.render(data: driver.source.simulation.data.pointer, viewport: viewport)
        let text = OverlayText.make(
            driver: driver, framesPerSecond: fps.tick(time: glfwGetTime()),
            extra: overlayExtras())
        scene.overlay(titles: text.titles, values: text.values, viewport: viewport)
        frameCount += 1
    }

    /// The back buffer's pixels (call after ``drawFrame()``, before the swap), top row first.
    public func readPixels() -> Image {
        var width: Int32 = 0, height: Int32 = 0
        glfwGetFramebufferSize(window, &width, &height)
        return scene.readPixels(viewport: mjrRect(left: 0, bottom: 0, width: width, height: height))
    }

    func overlayExtras() -> [(String, String)] {
        var rows: [(String, String)] = [
            ("Speed", speed >= 1 ? "\(Int(speed))x" : "1/\(Int((1 / speed).rounded()))x"),
            ("Camera", scene.cameraChoice.description),
        ]
        if paused { rows.append(("Paused", driver.isFinished ? "all episodes done (R replays, Esc quits)" : "yes")) }
        if let selectedBody { rows.append(("Selected", scene.model.bodyName(selectedBody))) }
        return rows
    }

    /// Halves (`faster == false`) or doubles the playback speed, within 1/32× … 32×.
    public func changeSpeed(faster: Bool) {
        speed = min(max(faster ? speed * 2 : speed / 2, 1.0 / 32), 32)
    }

    /// Highlights `body` (nil or the world clears the selection).
    public func select(body: Int?) {
        selectedBody = body.flatMap { $0 > 0 ? $0 : nil }
        scene.perturb.select = Int32(selectedBody ?? 0)
    }
}

/// Frames per second over the last half second.
struct FrameRateMeter {
    var windowStart = -1.0
    var frames = 0
    var value = 0.0

    /// Counts a frame drawn at `time` (seconds) and returns the current rate.
    mutating func tick(time: Double) -> Double {
        if windowStart < 0 { windowStart = time }
        frames += 1
        if time - windowStart >= 0.5 {
            value = Double(frames) / (time - windowStart)
            (windowStart, frames) = (time, 0)
        }
        return value
    }
}
