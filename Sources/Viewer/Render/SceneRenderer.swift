import CMuJoCo
import Sim

/// A camera the renderer can look through.
public enum CameraChoice: Equatable, Sendable, CustomStringConvertible {
    /// The free camera (mouse-controlled, starts on the model's centre).
    case free
    /// A free camera whose look-at point follows the centre of mass of `body`'s subtree.
    case tracking(body: Int)
    /// Camera number `id` of the model.
    case fixed(id: Int, name: String)

    public var description: String {
        switch self {
        case .free: return "free"
        case .tracking: return "tracking"
        case .fixed(let id, let name): return name.isEmpty ? "camera \(id)" : name
        }
    }
}

/// How much of MuJoCo's default visuals to keep; software OpenGL is 3–5× faster without shadows and reflections.
public enum RenderQuality: String, CaseIterable, Sendable {
    /// The model's visuals: shadows, reflections, multisampling.
    case full
    /// No shadows, no reflections, no multisampling (the skybox and textures stay).
    case fast
}

/// MuJoCo's abstract scene and its OpenGL rendering context for one model: `mjvScene`, `mjvCamera`,
/// `mjvOption`, `mjvPerturb` and `mjrContext`, as in MuJoCo's `basic.cc`.
///
/// Needs a current OpenGL context (EGL or a GLFW window) for its whole life, on the thread that created it.
public final class SceneRenderer {
    public let model: MuJoCoModel
    var scene = mjvScene()
    var context = mjrContext()
    /// The camera MuJoCo renders from; mouse interaction moves it.
    public var camera = mjvCamera()
    /// Visualization options (what to show).
    public var option = mjvOption()
    /// The selected body, highlighted in the scene.
    public var perturb = mjvPerturb()
    /// Free, tracking, then the model's own cameras, in the order `C` cycles through them.
    public let cameraChoices: [CameraChoice]
    /// Radius (m) of the sphere around body 1's subtree centre of mass that holds every robot geom at the initial
    /// state; sets the tracking camera's distance.
    public let robotRadius: Double
    public private(set) var cameraChoice: CameraChoice = .free
    /// Whether a frame has been rendered (the scene holds a view that mouse actions are relative to).
    public private(set) var hasRendered = false

    /// Builds the scene and the MuJoCo rendering context in the current OpenGL context.
    ///
    /// - Parameters:
    ///   - offscreenSize: size of the offscreen buffer (`mbmpo render`); the model's `offwidth`/`offheight` are set
    ///     to it, which changes nothing but rendering.
    ///   - fontScale: an mjtFontScale percentage (100, 150, …).
    public init(
        model: MuJoCoModel, offscreenSize: (width: Int, height: Int)? = nil, quality: RenderQuality = .fast,
        fontScale: Int = 100
    ) throws {
        self.model = model
        let m = model.pointer
        if let problem = Self.visualProblem(m.pointee.vis) {
            throw RenderError.badVisual(path: model.path, problem: problem)
        }
        if let size = offscreenSize {
            m.pointee.vis.global.offwidth = Int32(size.width)
            m.pointee.vis.global.offheight = Int32(size.height)
        }
        if quality == .fast {
            m.pointee.vis.quality.offsamples = 0
            m.pointee.vis.quality.shadowsize = 1024
        }
        mjv_defaultCamera(&camera)
        mjv_defaultOption(&option)
        mjv_defaultPerturb(&perturb)
        mjv_defaultScene(&scene)
        mjr_defaultContext(&context)
        var error = [CChar](repeating: 0, count: 512)
        guard cmj_render_make_context(m, &context, Int32(fontScale), &error, Int32(error.count)) == 0 else {
            throw RenderError.mujocoContext(
                String(
                    decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                    as: UTF8.self))
        }
        mjv_makeScene(m, &scene, 2000)
        let fixed = (0..<Int(m.pointee.ncam)).map { id -> CameraChoice in
            let name = mj_id2name(m, Int32(mjOBJ_CAMERA.rawValue), Int32(id)).map { String(cString: $0) } ?? ""
            return .fixed(id: id, name: name)
        }
        cameraChoices = [.free, .tracking(body: min(1, model.nbody - 1))] + fixed
        robotRadius = try Self.robotRadius(model: model)
        if quality == .fast {
            setFlag(mjRND_SHADOW, false)
            setFlag(mjRND_REFLECTION, false)
        }
        select(camera: defaultCamera)
    }

    /// What in a model's `<visual>` settings MuJoCo's renderer cannot take: clipping planes that are not finite with
    /// 0 < znear < zfar (MuJoCo aborts on them in `mjr_render`), or quality settings past what a scene needs, where
    /// building the context takes minutes and gigabytes (numquads 3000) or crashes the GL driver (100 000). Nil when
    /// none.
    static func visualProblem(_ vis: mjVisual) -> String? {
        let near = Double(vis.map.znear), far = Double(vis.map.zfar)
        guard near.isFinite, far.isFinite, near > 0, far > near else {
            return "<map znear=\"\(near)\" zfar=\"\(far)\"> needs finite planes with 0 < znear < zfar"
        }
        let quality = vis.quality
        let limits: [(name: String, value: Int32, range: ClosedRange<Int32>)] = [
            ("shadowsize", quality.shadowsize, 0...16384), ("offsamples", quality.offsamples, 0...16),
            ("numslices", quality.numslices, 1...256), ("numstacks", quality.numstacks, 1...256),
            ("numquads", quality.numquads, 1...64),
        ]
        for limit in limits where !limit.range.contains(limit.value) {
            return
                "<quality \(limit.name)=\"\(limit.value)\"> must lie in \(limit.range.lowerBound)…\(limit.range.upperBound)"
        }
        return nil
    }

    deinit {
        mjv_freeScene(&scene)
        mjr_freeContext(&context)
    }

    /// The model's camera named `track` if it has one, else the tracking camera: a view that follows the robot.
    public var defaultCamera: CameraChoice {
        cameraChoices.first { if case .fixed(_, "track") = $0 { return true } else { return false } }
            ?? cameraChoices[1]
    }

    /// Radius around body 1's subtree centre of mass at qpos0 that holds every geom not on the world body.
    static func robotRadius(model: MuJoCoModel) throws -> Double {
        let simulation = try Simulation(model: model, frameSkip: 1)
        try simulation.forward()
        let m = model.pointer.pointee, d = simulation.data.pointer.pointee
        guard model.nbody > 1, let geomBody = m.geom_bodyid, let bound = m.geom_rbound, let xpos = d.geom_xpos,
            let com = d.subtree_com
        else { return 1 }
        var radius = 0.0
        for geom in 0..<model.ngeom where geomBody[geom] != 0 {
            let dx = xpos[3 * geom] - com[3], dy = xpos[3 * geom + 1] - com[4], dz = xpos[3 * geom + 2] - com[5]
            radius = max(radius, (dx * dx + dy * dy + dz * dz).squareRoot() + bound[geom])
        }
        return radius > 0 ? radius : 1
    }

    /// Switches to `choice`; a free or tracking camera starts from MuJoCo's default view of the model.
    public func select(camera choice: CameraChoice) {
        cameraChoice = choice
        switch choice {
        case .free:
            mjv_defaultFreeCamera(model.pointer, &camera)
        case .tracking(let body):
            // a side view from slightly above, far enough to show the whole robot
            mjv_defaultFreeCamera(model.pointer, &camera)
            camera.type = Int32(mjCAMERA_TRACKING.rawValue)
            camera.trackbodyid = Int32(body)
            camera.distance = 3 * robotRadius
            camera.azimuth = 90
            camera.elevation = -30
        case .fixed(let id, _):
            camera.type = Int32(mjCAMERA_FIXED.rawValue)
            camera.fixedcamid = Int32(id)
        }
    }

    /// Moves to the next (or previous) camera in ``cameraChoices``, wrapping around.
    public func cycleCamera(backwards: Bool = false) {
        let index = cameraChoices.firstIndex(of: cameraChoice) ?? 0
        let count = cameraChoices.count
        select(camera: cameraChoices[(index + (backwards ? count - 1 : 1)) % count])
    }

    /// Turns one of the scene's rendering flags (mjRND_…) on or off.
    public func setFlag(_ flag: mjtRndFlag, _ on: Bool) {
        withUnsafeMutableBytes(of: &scene.flags) { $0.bindMemory(to: mjtByte.self)[Int(flag.rawValue)] = on ? 1 : 0 }
    }

    /// Directs rendering to the window's framebuffer or to the offscreen buffer.
    public func useBuffer(offscreen: Bool) {
        mjr_setBuffer(Int32(offscreen ? mjFB_OFFSCREEN.rawValue : mjFB_WINDOW.rawValue), &context)
    }

    /// The largest viewport of the current buffer.
    public var maximumViewport: mjrRect { mjr_maxViewport(&context) }

    /// Updates the abstract scene from `data` and renders it into `viewport` of the current buffer.
    public func render(data: UnsafeMutablePointer<mjData>, viewport: mjrRect) {
        mjv_updateScene(model.pointer, data, &option, &perturb, &camera, Int32(mjCAT_ALL.rawValue), &scene)
        mjr_render(viewport, &scene, &context)
        hasRendered = true
    }

    /// Draws two columns of text (lines separated by "\n") in a corner of `viewport` (an mjtGridPos; top left by
    /// default).
    public func overlay(titles: String, values: String, viewport: mjrRect, corner: mjtGridPos = mjGRID_TOPLEFT) {
        mjr_overlay(Int32(mjFONT_NORMAL.rawValue), Int32(corner.rawValue), viewport, titles, values, &context)
    }

    /// The RGB pixels of `viewport` in the current buffer, top row first.
    public func readPixels(viewport: mjrRect) -> Image {
        let width = Int(viewport.width), height = Int(viewport.height)
        var bottomUp = [UInt8](repeating: 0, count: width * height * 3)
        mjr_readPixels(&bottomUp, nil, viewport, &context)
        var topDown = [UInt8](repeating: 0, count: bottomUp.count)
        let stride = width * 3
        for row in 0..<height {
            topDown.replaceSubrange(
                row * stride..<(row + 1) * stride,
                with: bottomUp[(height - 1 - row) * stride..<(height - row) * stride])
        }
        return Image(width: width, height: height, pixels: topDown)
    }

    /// Body drawn at each pixel of `viewport` (top row first): renders once with segmentation colours
    /// (mjRND_SEGMENT + mjRND_IDCOLOR) and maps each colour back to its geom's body. -1 where no geom is drawn
    /// (sky, decor), -2 where a colour matches no geom (blended edges under multisampling).
    public func bodyMask(data: UnsafeMutablePointer<mjData>, viewport: mjrRect) -> [Int] {
        setFlag(mjRND_SEGMENT, true)
        setFlag(mjRND_IDCOLOR, true)
        render(data: data, viewport: viewport)
        let image = readPixels(viewport: viewport)
        setFlag(mjRND_SEGMENT, false)
        setFlag(mjRND_IDCOLOR, false)
        let pixelCount = image.width * image.height
        guard let geomBody = model.pointer.pointee.geom_bodyid else { return [Int](repeating: -1, count: pixelCount) }
        let count = Int(scene.ngeom)
        return (0..<pixelCount).map { i in
            let p = i * 3
            let segment = Int(image.pixels[p]) | Int(image.pixels[p + 1]) << 8 | Int(image.pixels[p + 2]) << 16
            guard segment > 0 else { return -1 }
            guard segment - 1 < count else { return -2 }
            let geom = scene.geoms[segment - 1]
            return geom.objtype == Int32(mjOBJ_GEOM.rawValue) ? Int(geomBody[Int(geom.objid)]) : -1
        }
    }

    /// Body under the relative window point (x, y ∈ [0, 1], y up) and the 3-D point hit, or nil.
    public func select(
        data: UnsafeMutablePointer<mjData>, aspect: Double, x: Double, y: Double
    )
        -> (body: Int, point: SIMD3<Double>)?
    {
        var point = [mjtNum](repeating: 0, count: 3)
        guard hasRendered else { return nil }
        var geom: Int32 = -1, skin: Int32 = -1
        let body = mjv_select(model.pointer, data, &option, aspect, x, y, &scene, &point, &geom, &skin)
        return body >= 0 ? (Int(body), SIMD3(point[0], point[1], point[2])) : nil
    }

    /// Starts a perturbation of the selected body (``perturb``'s `select`) from its pose in `data`: rotation or
    /// translation (mjPERT_ROTATE, mjPERT_TRANSLATE).
    public func startPerturbation(data: UnsafeMutablePointer<mjData>, translate: Bool) {
        guard hasRendered else { return }
        mjv_initPerturb(model.pointer, data, &scene, &perturb)
        perturb.active = Int32(translate ? mjPERT_TRANSLATE.rawValue : mjPERT_ROTATE.rawValue)
    }

    /// Moves the perturbation's reference by a mouse motion (an mjtMouse action, relative to the window height).
    public func movePerturbation(data: UnsafeMutablePointer<mjData>, _ action: mjtMouse, dx: Double, dy: Double) {
        guard hasRendered, perturb.active != 0 else { return }
        mjv_movePerturb(model.pointer, data, Int32(action.rawValue), dx, dy, &scene, &perturb)
    }

    /// Writes the perturbation's spring force on the selected body into `data`'s `xfrc_applied` (for the next
    /// steps), or, `paused`, moves a free body to the reference pose.
    public func applyPerturbation(data: UnsafeMutablePointer<mjData>, paused: Bool) {
        guard perturb.active != 0 else { return }
        if paused {
            mjv_applyPerturbPose(model.pointer, data, &perturb, 1)
        } else {
            mjv_applyPerturbForce(model.pointer, data, &perturb)
        }
    }

    /// Rotates, pans or zooms the camera (an mjtMouse action) by a mouse motion relative to the window height.
    /// Does nothing before the first frame: MuJoCo moves the camera relative to the scene's last view, and
    /// raises an error (which would abort) while there is none.
    public func moveCamera(_ action: mjtMouse, dx: Double, dy: Double) {
        guard hasRendered else { return }
        mjv_moveCamera(model.pointer, Int32(action.rawValue), dx, dy, &scene, &camera)
    }
}
