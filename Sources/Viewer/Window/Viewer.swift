import CGLFW
import CMuJoCo
import Foundation

/// An interactive GLFW window that plays a ``ReplayDriver`` in real time, following MuJoCo's `basic.cc`: one
/// window, one `SceneRenderer`, mouse callbacks that move the camera, and a loop that advances the simulation to
/// wall-clock time, renders, swaps and polls events.
///
/// Keys and mouse follow MuJoCo's `simulate` where it has the same action, and F1 lists them all
/// (``KeyBindings``): space pauses, → single-steps while paused, Backspace (or R) restarts the episode, + and −
/// change the speed, [ and ] (or C) cycle cameras, Esc returns to the free camera, Page Up selects the parent body,
/// F1 shows the help, F2 hides the info, Q or Ctrl+Q quits. Mouse: left-drag rotates, right-drag pans (shift:
/// horizontal plane), scroll or middle-drag zooms, double-click selects a body, right double-click centres the
/// camera on the point, Ctrl + right double-click tracks the body, Ctrl + left/right drag rotates/translates the
/// selected body with MuJoCo's perturbation.
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
    /// Whether the key and mouse help is drawn (F1).
    public var showHelp = false
    /// Whether the info overlay is drawn (F2).
    public var showInfo = true

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
            if isPerturbing { applyPerturbationPose() }
            return
        }
        simulationDebt += elapsed * speed
        let dt = driver.source.dt
        while simulationDebt >= dt {
            try advance()
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
        let framesPerSecond = fps.tick(time: glfwGetTime())
        if showInfo {
            let text = OverlayText.make(driver: driver, framesPerSecond: framesPerSecond, extra: overlayExtras())
            scene.overlay(titles: text.titles, values: text.values, viewport: viewport)
        }
        if showHelp {
            scene.overlay(
                titles: KeyBindings.inputs, values: KeyBindings.actions, viewport: viewport, corner: mjGRID_TOPRIGHT)
        }
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
        if paused {
            rows.append(("Paused", driver.isFinished ? "all episodes done (Backspace replays, Q quits)" : "yes"))
        }
        if let selectedBody {
            rows.append(("Selected", scene.model.bodyName(selectedBody) + (isPerturbing ? " (perturbed)" : "")))
        }
        rows.append(("Help", "F1"))
        return rows
    }

    /// Halves (`faster == false`) or doubles the playback speed, within 1/32× … 32×.
    public func changeSpeed(faster: Bool) {
        speed = min(max(faster ? speed * 2 : speed / 2, 1.0 / 32), 32)
    }

    /// Highlights `body` (nil or the world clears the selection, and ends a perturbation).
    public func select(body: Int?) {
        selectedBody = body.flatMap { $0 > 0 ? $0 : nil }
        if selectedBody == nil { stopPerturbation() }
        scene.perturb.select = Int32(selectedBody ?? 0)
    }

    /// One step of the driver; while a perturbation is active its force acts on the selected body during the step
    /// (`mjv_applyPerturbForce` writes the body's `xfrc_applied`, cleared first).
    func advance() throws {
        if isPerturbing {
            clearAppliedForces()
            scene.applyPerturbation(data: driver.source.simulation.data.pointer, paused: false)
        }
        try driver.advance()
    }

    /// Whether Ctrl + drag is perturbing the selected body.
    public var isPerturbing: Bool { scene.perturb.active != 0 }

    /// Starts perturbing the selected body from its current pose: rotation (left button) or translation (right).
    func startPerturbation(translate: Bool) {
        guard selectedBody != nil else { return }
        scene.startPerturbation(data: driver.source.simulation.data.pointer, translate: translate)
    }

    /// Moves the perturbation's reference by a mouse motion (relative to the window height).
    func movePerturbation(_ action: mjtMouse, dx: Double, dy: Double) {
        scene.movePerturbation(data: driver.source.simulation.data.pointer, action, dx: dx, dy: dy)
    }

    /// Ends a perturbation and removes its force.
    func stopPerturbation() {
        guard isPerturbing else { return }
        scene.perturb.active = 0
        clearAppliedForces()
    }

    /// While paused, a perturbation moves the body itself (a free body: its pose; otherwise nothing), then the
    /// derived quantities follow with a forward pass.
    func applyPerturbationPose() {
        let simulation = driver.source.simulation
        scene.applyPerturbation(data: simulation.data.pointer, paused: true)
        mj_forward(simulation.model.pointer, simulation.data.pointer)
    }

    func clearAppliedForces() {
        let simulation = driver.source.simulation
        guard let forces = simulation.data.pointer.pointee.xfrc_applied else { return }
        for i in 0..<(6 * simulation.model.nbody) { forces[i] = 0 }
    }
}

/// The viewer's keys and mouse actions as F1 lists them: MuJoCo `simulate`'s where the action exists there, then
/// ours.
public enum KeyBindings {
    /// (input, action) rows.
    public static let rows: [(String, String)] = [
        ("Space", "Play / Pause"),
        ("+  -", "Speed up / down"),
        ("Right arrow", "Step (paused)"),
        ("[  ]  (C)", "Cycle cameras"),
        ("Esc", "Free camera"),
        ("Backspace (R)", "Restart episode"),
        ("Double-click", "Select"),
        ("Page Up", "Select parent"),
        ("Right double-click", "Center"),
        ("Ctrl Right double-click", "Tracking camera"),
        ("Scroll, middle drag", "Zoom"),
        ("Left drag", "View rotate"),
        ("[Shift] right drag", "View translate"),
        ("Ctrl [Shift] drag", "Object rotate"),
        ("Ctrl [Shift] right drag", "Object translate"),
        ("F1", "Help"),
        ("F2", "Info"),
        ("Q, Ctrl Q", "Quit"),
    ]
    static var inputs: String { rows.map(\.0).joined(separator: "\n") }
    static var actions: String { rows.map(\.1).joined(separator: "\n") }
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
