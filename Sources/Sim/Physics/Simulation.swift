import CMuJoCo
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Owns one `mjData`: the mutable state of one simulation. Not thread-safe; one per worker.
public final class MuJoCoData {
    public let model: MuJoCoModel
    public let pointer: UnsafeMutablePointer<mjData>

    /// Allocates data for `model`.
    public init(model: MuJoCoModel) throws {
        var error = [CChar](repeating: 0, count: 512)
        guard let data = cmj_make_data(model.pointer, &error, Int32(error.count)) else {
            throw SimError.dataAllocation(message: cString(error))
        }
        self.model = model
        self.pointer = data
    }

    deinit { mj_deleteData(pointer) }
}

/// The outcome of advancing the simulation.
public enum StepStatus: Equatable, Sendable {
    case ok
    /// The state went bad; the message says how. The episode must end.
    case diverged(String)
}

/// A model plus one data instance plus a frame skip: the stepping logic all environments share.
///
/// `step(control:)` sets the actuator controls, runs `frameSkip` physics steps, then `mj_forward` so that sites
/// and other derived quantities describe the new state, as the original (MuJoCo 1.31) environments did.
public final class Simulation {
    public let model: MuJoCoModel
    public let data: MuJoCoData
    /// Physics steps per environment step.
    public let frameSkip: Int
    private var errorBuffer = [CChar](repeating: 0, count: 512)
    // raw pointers and sizes cached so that the hot path touches no shared reference-counted object
    // (atomic retains of the shared model from several threads would serialize them)
    let m: UnsafeMutablePointer<mjModel>
    let d: UnsafeMutablePointer<mjData>
    let nq: Int, nv: Int, nu: Int

    public init(model: MuJoCoModel, frameSkip: Int) throws {
        precondition(frameSkip >= 1, "frame skip must be at least 1, got \(frameSkip)")
        self.model = model
        self.data = try MuJoCoData(model: model)
        self.frameSkip = frameSkip
        m = model.pointer
        d = data.pointer
        (nq, nv, nu) = (model.nq, model.nv, model.nu)
    }

    /// Seconds per environment step.
    public var dt: Double { model.timestep * Double(frameSkip) }

    /// Generalized positions (nq).
    public var qpos: UnsafeMutableBufferPointer<Double> { .init(start: d.pointee.qpos, count: nq) }
    /// Generalized velocities (nv).
    public var qvel: UnsafeMutableBufferPointer<Double> { .init(start: d.pointee.qvel, count: nv) }
    /// Actuator controls (nu).
    public var ctrl: UnsafeMutableBufferPointer<Double> { .init(start: d.pointee.ctrl, count: nu) }
    /// Simulated time (s).
    public var time: Double { d.pointee.time }

    /// World position of site `id` (3), valid after a forward pass.
    public func sitePosition(_ id: Int) -> SIMD3<Double> {
        let p = d.pointee.site_xpos + 3 * id
        return SIMD3(p[0], p[1], p[2])
    }

    /// World position of body `id`'s frame (3), valid after a forward pass.
    public func bodyPosition(_ id: Int) -> SIMD3<Double> {
        let p = d.pointee.xpos + 3 * id
        return SIMD3(p[0], p[1], p[2])
    }

    /// Restores the model's initial state (qpos0, zero velocity, zero controls).
    public func resetData() throws {
        let status = cmj_reset_data(m, d, &errorBuffer, Int32(errorBuffer.count))
        if status != 0 { throw SimError.simulation(message: cString(errorBuffer)) }
    }

    /// Restores the same initial state as ``resetData()`` without zero-filling the rest of MuJoCo's data buffer;
    /// derived quantities are stale until the next ``forward()``, which must follow before they are read.
    public func resetState() {
        cmj_reset_state(m, d)
    }

    /// Recomputes every derived quantity from the current qpos/qvel.
    public func forward() throws {
        let status = cmj_forward(m, d, &errorBuffer, Int32(errorBuffer.count))
        if status != 0 { throw SimError.simulation(message: cString(errorBuffer)) }
    }

    /// Sets the full state and recomputes derived quantities.
    public func setState(qpos newQpos: [Double], qvel newQvel: [Double]) throws {
        precondition(
            newQpos.count == nq && newQvel.count == nv,
            "state needs nq=\(nq), nv=\(nv); got \(newQpos.count), \(newQvel.count)")
        for i in 0..<nq { qpos[i] = newQpos[i] }
        for i in 0..<nv { qvel[i] = newQvel[i] }
        try forward()
    }

    /// Sets `ctrl` to `control`, advances `frameSkip` physics steps and runs a forward pass.
    public func step(control: UnsafeBufferPointer<Double>) -> StepStatus {
        let c = ctrl
        for i in 0..<c.count { c[i] = control[i] }
        let status = cmj_step(m, d, Int32(frameSkip), &errorBuffer, Int32(errorBuffer.count))
        return status == 0 ? .ok : .diverged(cString(errorBuffer))
    }

    /// Like ``step(control:)``, and also copies what the last physics step left before the trailing forward pass, as
    /// Gymnasium's environments (which run none) see it: the body frame positions, one physics step behind qpos,
    /// into `xpos` (nbody × 3), and the external contact forces after `mj_rnePostConstraint` into `contactForces`
    /// (nbody × 6). Either may be nil; both are written only when the step succeeds.
    public func step(
        control: UnsafeBufferPointer<Double>, laggingXpos xpos: UnsafeMutableBufferPointer<Double>?,
        contactForces: UnsafeMutableBufferPointer<Double>?
    ) -> StepStatus {
        precondition(xpos.map { $0.count == 3 * model.nbody } ?? true, "xpos needs nbody × 3 entries")
        precondition(contactForces.map { $0.count == 6 * model.nbody } ?? true, "contact forces need nbody × 6 entries")
        let c = ctrl
        for i in 0..<c.count { c[i] = control[i] }
        let status = cmj_step_lagging(
            m, d, Int32(frameSkip), xpos?.baseAddress, contactForces?.baseAddress, &errorBuffer,
            Int32(errorBuffer.count))
        return status == 0 ? .ok : .diverged(cString(errorBuffer))
    }

    /// Runs `count` bare `mj_step` calls (no control change, no trailing forward): the engine's own rate.
    public func rawSteps(_ count: Int) -> StepStatus {
        let status = cmj_step_raw(m, d, Int32(count), &errorBuffer, Int32(errorBuffer.count))
        return status == 0 ? .ok : .diverged(cString(errorBuffer))
    }
}

/// Decodes a NUL-terminated C buffer.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension Simulation {
    /// Benchmark ceiling: `count` bare `mj_step` calls with uniform random controls drawn in C (no observation,
    /// reward or bookkeeping work).
    public func randomRawSteps(_ count: Int, seed: UInt64) -> StepStatus {
        cmj_random_steps(m, d, count, seed) == 0 ? .ok : .diverged("MuJoCo error")
    }
}

/// Routes MuJoCo's warnings.
public enum MuJoCoWarnings {
    /// Prints every MuJoCo warning to standard error as `mujoco warning: …` (instead of MUJOCO_LOG.TXT).
    public static func routeToStandardError() {
        cmj_set_warning_callback { message in
            guard let message else { return }
            fputs("mujoco warning: \(String(cString: message))\n", stderr)
        }
    }

    /// Counts warnings without printing them (the default).
    public static func silence() {
        cmj_install_handlers()
        cmj_set_warning_callback(nil)
    }

    /// Warnings raised on the calling thread so far.
    public static var countOnThisThread: Int { cmj_thread_warning_count() }
}

extension Simulation {
    /// Like ``step(control:)`` but through the plain sequence (frameSkip full `mj_step` calls, then `mj_forward`),
    /// without reusing the previous forward pass; the tests check both give bit-identical states.
    public func referenceStep(control: UnsafeBufferPointer<Double>) -> StepStatus {
        let c = ctrl
        for i in 0..<c.count { c[i] = control[i] }
        var buffer = [CChar](repeating: 0, count: 512)
        let status = cmj_step_reference(m, d, Int32(frameSkip), &buffer, Int32(buffer.count))
        return status == 0 ? .ok : .diverged(cString(buffer))
    }
}
