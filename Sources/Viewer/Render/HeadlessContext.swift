import CEGL

/// Errors from creating an OpenGL context or rendering; each description is one line.
public enum RenderError: Error, Equatable, CustomStringConvertible {
    /// EGL could not give us an OpenGL context; `step` names the call that failed.
    case egl(step: String, code: String)
    /// GLFW could not start or open a window.
    case glfw(String)
    /// No X display to open a window on.
    case noDisplay
    /// MuJoCo could not build its rendering context in the current OpenGL context.
    case mujocoContext(String)
    /// Width or height outside what the renderer supports.
    case badSize(width: Int, height: Int, maximum: Int)
    /// The model's `<visual>` settings would make MuJoCo's renderer abort or exhaust memory.
    case badVisual(path: String, problem: String)

    public var description: String {
        switch self {
        case .egl(let step, let code):
            return "cannot create a headless OpenGL context: \(step) failed (\(code)); "
                + "is Mesa's EGL (libegl1, libgl1-mesa-dri) installed?"
        case .glfw(let message):
            return "cannot open a window: \(message); render to files with `mbmpo render` or run the viewer under "
                + "`xvfb-run -a mbmpo replay …`"
        case .noDisplay:
            return "no display: DISPLAY is not set; render to files with `mbmpo render` or run the viewer "
                + "under `xvfb-run -a mbmpo replay …`"
        case .mujocoContext(let message):
            let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
            return "cannot set up MuJoCo rendering: \(line)"
        case .badSize(let width, let height, let maximum):
            return "image size \(width)×\(height) is not supported: width and height must be in 1…\(maximum)"
        case .badVisual(let path, let problem):
            return "\(path): cannot render this model: \(problem)"
        }
    }
}

/// An OpenGL context without any window system, through EGL on Mesa's surfaceless platform (no X server, no
/// GPU needed). MuJoCo renders into its own offscreen framebuffer, so the context needs no surface.
///
/// The context is current on the thread that created it; use it, and free it, on that thread. The EGL display is
/// shared by every context of the process, so it is initialized once and never terminated.
public final class HeadlessContext {
    let display: EGLDisplay?
    let context: EGLContext?

    /// Creates the context and makes it current on the calling thread.
    public init() throws {
        var display = cegl_surfaceless_display()
        if display == cegl_no_display() { display = cegl_default_display() }
        guard display != cegl_no_display() else {
            throw RenderError.egl(step: "eglGetDisplay", code: Self.lastError())
        }
        var major: EGLint = 0, minor: EGLint = 0
        guard eglInitialize(display, &major, &minor) == EGL_TRUE else {
            throw RenderError.egl(step: "eglInitialize", code: Self.lastError())
        }
        var attributes: [EGLint] = [
            EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8, EGL_DEPTH_SIZE, 24,
            EGL_STENCIL_SIZE, 8, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_NONE,
        ]
        var config: EGLConfig?
        var configCount: EGLint = 0
        guard eglChooseConfig(display, &attributes, &config, 1, &configCount) == EGL_TRUE, configCount > 0 else {
            let code = Self.lastError()
            throw RenderError.egl(step: "eglChooseConfig", code: configCount == 0 ? "no matching config" : code)
        }
        guard eglBindAPI(EGLenum(EGL_OPENGL_API)) == EGL_TRUE,
            let context = eglCreateContext(display, config, cegl_no_context(), nil), context != cegl_no_context()
        else {
            let code = Self.lastError()
            throw RenderError.egl(step: "eglCreateContext", code: code)
        }
        guard eglMakeCurrent(display, cegl_no_surface(), cegl_no_surface(), context) == EGL_TRUE else {
            let code = Self.lastError()
            eglDestroyContext(display, context)
            throw RenderError.egl(step: "eglMakeCurrent", code: code)
        }
        self.display = display
        self.context = context
    }

    deinit {
        eglMakeCurrent(display, cegl_no_surface(), cegl_no_surface(), cegl_no_context())
        eglDestroyContext(display, context)
        eglReleaseThread()
    }

    /// The name of the last EGL error on this thread.
    static func lastError() -> String {
        let code = eglGetError()
        let names: [EGLint: String] = [
            EGL_SUCCESS: "EGL_SUCCESS", EGL_NOT_INITIALIZED: "EGL_NOT_INITIALIZED", EGL_BAD_ACCESS: "EGL_BAD_ACCESS",
            EGL_BAD_ALLOC: "EGL_BAD_ALLOC", EGL_BAD_ATTRIBUTE: "EGL_BAD_ATTRIBUTE", EGL_BAD_CONFIG: "EGL_BAD_CONFIG",
            EGL_BAD_CONTEXT: "EGL_BAD_CONTEXT", EGL_BAD_DISPLAY: "EGL_BAD_DISPLAY", EGL_BAD_MATCH: "EGL_BAD_MATCH",
            EGL_BAD_PARAMETER: "EGL_BAD_PARAMETER", EGL_BAD_SURFACE: "EGL_BAD_SURFACE",
        ]
        return names[code] ?? "EGL error 0x\(String(code, radix: 16))"
    }
}
