import CMuJoCo
import Core
import Foundation

/// Errors from loading or running a MuJoCo model.
public enum SimError: Error, Equatable, CustomStringConvertible {
    /// The MJCF file could not be read, parsed or compiled.
    case modelLoad(path: String, message: String)
    /// MuJoCo could not allocate simulation data.
    case dataAllocation(message: String)
    /// MuJoCo raised an error while simulating.
    case simulation(message: String)
    /// No asset folder holding the model files was found.
    case assetsNotFound(searched: [String])

    public var description: String {
        switch self {
        case .modelLoad(let path, let message): return "cannot load model '\(path)': \(message)"
        case .dataAllocation(let message): return "cannot allocate simulation data: \(message)"
        case .simulation(let message): return "simulation error: \(message)"
        case .assetsNotFound(let searched):
            return "model folder not found (looked in: \(searched.joined(separator: ", "))); "
                + "pass --assets DIR or set MBMPO_ASSETS"
        }
    }
}

/// Owns a compiled `mjModel`. Read-only after loading, so one instance is shared by every worker thread.
public final class MuJoCoModel: @unchecked Sendable {  // immutable after init; MuJoCo only reads mjModel while stepping
    /// The raw model pointer, for the shim and the renderer.
    public let pointer: UnsafeMutablePointer<mjModel>
    /// The file it was loaded from.
    public let path: String

    /// Loads and compiles an MJCF file; throws ``SimError/modelLoad(path:message:)`` with MuJoCo's message.
    /// `timestep` (seconds, positive and finite) replaces the file's physics timestep.
    public init(path: String, timestep: Double? = nil) throws {
        if let timestep, !(timestep > 0 && timestep.isFinite) {
            throw SimError.modelLoad(path: path, message: "timestep must be positive and finite, got \(timestep)")
        }
        var error = [CChar](repeating: 0, count: 1024)
        guard let model = cmj_load_xml(path, &error, Int32(error.count)) else {
            // one line: MuJoCo's parser messages span several
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ")
            throw SimError.modelLoad(path: path, message: message.isEmpty ? "unknown error" : message)
        }
        if let timestep { model.pointee.opt.timestep = timestep }
        if let problem = Self.implausibility(of: model.pointee) {
            mj_deleteModel(model)
            throw SimError.modelLoad(path: path, message: problem)
        }
        self.pointer = model
        self.path = path
    }

    /// What makes a compiled model unusable for training although MuJoCo accepts it: a timestep that is not
    /// positive and finite (or so small that time stands still), gravity or a body mass that is not finite, a
    /// negative mass, or an actuator whose control range is not finite and ordered (or implausibly wide) or whose
    /// gear is not finite. Nil when none.
    static func implausibility(of model: mjModel) -> String? {
        let timestep = model.opt.timestep
        guard timestep.isFinite && timestep >= 1e-6 else {
            return "the physics timestep must be finite and at least 1e-6 s, got \(timestep)"
        }
        let gravity = withUnsafeBytes(of: model.opt.gravity) { Array($0.bindMemory(to: Double.self)) }
        guard gravity.allSatisfy(\.isFinite) else { return "gravity must be finite, got \(gravity)" }
        for body in 0..<Int(model.nbody) {
            let mass = model.body_mass[body]
            guard mass.isFinite && mass >= 0 else {
                return "body \(body)'s mass must be finite and not negative, got \(mass)"
            }
        }
        // the environments take their action bounds from the control ranges, and act through the gears
        for actuator in 0..<Int(model.nu) {
            let lower = model.actuator_ctrlrange[2 * actuator], upper = model.actuator_ctrlrange[2 * actuator + 1]
            guard lower.isFinite, upper.isFinite, lower <= upper, max(abs(lower), abs(upper)) <= largestControl else {
                return
                    "actuator \(actuator)'s ctrlrange must be finite, ordered and within ±1e6, got [\(lower), \(upper)]"
            }
            let gear = (0..<6).map { model.actuator_gear[6 * actuator + $0] }
            guard gear.allSatisfy(\.isFinite) else { return "actuator \(actuator)'s gear must be finite, got \(gear)" }
        }
        return nil
    }

    /// The largest control magnitude an actuator's range may reach (the environments' action bounds): 1e6.
    static let largestControl = 1e6

    deinit { mj_deleteModel(pointer) }

    var model: mjModel { pointer.pointee }

    public var nq: Int { Int(model.nq) }
    public var nv: Int { Int(model.nv) }
    public var nu: Int { Int(model.nu) }
    public var nbody: Int { Int(model.nbody) }
    public var njnt: Int { Int(model.njnt) }
    public var nsite: Int { Int(model.nsite) }
    public var ngeom: Int { Int(model.ngeom) }
    /// Bytes of one `mjData` for this model, about: its stack and buffer (each environment holds one).
    public var dataBytes: Int { Int(model.nstack) * MemoryLayout<mjtNum>.size + Int(model.nbuffer) }
    /// Simulation timestep (s).
    public var timestep: Double { model.opt.timestep }
    /// Gravity vector (m/s²).
    public var gravity: [Double] { withUnsafeBytes(of: model.opt.gravity) { Array($0.bindMemory(to: Double.self)) } }
    /// Medium viscosity and density.
    public var viscosity: Double { model.opt.viscosity }
    public var density: Double { model.opt.density }
    /// Integrator (0 Euler, 1 RK4 in MuJoCo 2.2.2).
    public var integrator: Int { Int(model.opt.integrator) }

    /// Name of object `id` of type `type` (an mjtObj raw value), or "" if unnamed.
    func name(_ type: mjtObj, _ id: Int) -> String {
        guard let cName = mj_id2name(pointer, Int32(type.rawValue), Int32(id)) else { return "" }
        return String(cString: cName)
    }

    /// Index of the named object, or nil.
    func id(_ type: mjtObj, _ name: String) -> Int? {
        let id = mj_name2id(pointer, Int32(type.rawValue), name)
        return id < 0 ? nil : Int(id)
    }

    public func bodyName(_ id: Int) -> String { name(mjOBJ_BODY, id) }
    public func jointName(_ id: Int) -> String { name(mjOBJ_JOINT, id) }
    public func actuatorName(_ id: Int) -> String { name(mjOBJ_ACTUATOR, id) }
    public func siteName(_ id: Int) -> String { name(mjOBJ_SITE, id) }
    public func bodyID(_ name: String) -> Int? { id(mjOBJ_BODY, name) }
    public func jointID(_ name: String) -> Int? { id(mjOBJ_JOINT, name) }
    public func siteID(_ name: String) -> Int? { id(mjOBJ_SITE, name) }
    public func geomID(_ name: String) -> Int? { id(mjOBJ_GEOM, name) }

    /// Name of geom `id`, or "" if unnamed.
    public func geomName(_ id: Int) -> String { name(mjOBJ_GEOM, id) }
    /// Parent of body `id` (the world body is its own parent).
    public func bodyParent(_ id: Int) -> Int { Int(model.body_parentid[id]) }
    /// Position of body `id`'s frame in its parent's frame.
    public func bodyLocalPosition(_ id: Int) -> [Double] { (0..<3).map { model.body_pos[3 * id + $0] } }

    /// Mass of body `id` (kg).
    public func bodyMass(_ id: Int) -> Double { model.body_mass[id] }
    /// Principal inertia of body `id` (kg·m²).
    public func bodyInertia(_ id: Int) -> [Double] { (0..<3).map { model.body_inertia[3 * id + $0] } }
    /// Sum of all body masses (kg).
    public var totalMass: Double { (0..<nbody).reduce(0) { $0 + bodyMass($1) } }

    /// Body that joint `id` moves.
    public func jointBody(_ id: Int) -> Int { Int(model.jnt_bodyid[id]) }
    /// Joint type of joint `id` (0 free, 1 ball, 2 slide, 3 hinge).
    public func jointType(_ id: Int) -> Int { Int(model.jnt_type[id]) }
    /// Whether joint `id` has a range.
    public func jointLimited(_ id: Int) -> Bool { model.jnt_limited[id] != 0 }
    /// Range of joint `id` (rad or m).
    public func jointRange(_ id: Int) -> ClosedRange<Double> { model.jnt_range[2 * id]...model.jnt_range[2 * id + 1] }
    /// Joint axis in the body frame.
    public func jointAxis(_ id: Int) -> [Double] { (0..<3).map { model.jnt_axis[3 * id + $0] } }
    /// Spring stiffness of joint `id`.
    public func jointStiffness(_ id: Int) -> Double { model.jnt_stiffness[id] }
    /// First qpos address of joint `id`.
    public func jointQposAddress(_ id: Int) -> Int { Int(model.jnt_qposadr[id]) }
    /// First dof address of joint `id`.
    public func jointDofAddress(_ id: Int) -> Int { Int(model.jnt_dofadr[id]) }
    /// Damping of dof `id`.
    public func dofDamping(_ id: Int) -> Double { model.dof_damping[id] }
    /// Armature of dof `id`.
    public func dofArmature(_ id: Int) -> Double { model.dof_armature[id] }

    /// First gear coefficient of actuator `id`.
    public func actuatorGear(_ id: Int) -> Double { model.actuator_gear[6 * id] }
    /// Whether actuator `id` clamps its control.
    public func actuatorCtrlLimited(_ id: Int) -> Bool { model.actuator_ctrllimited[id] != 0 }
    /// Control range of actuator `id`.
    public func actuatorCtrlRange(_ id: Int) -> ClosedRange<Double> {
        model.actuator_ctrlrange[2 * id]...model.actuator_ctrlrange[2 * id + 1]
    }
    /// Joint driven by actuator `id`.
    public func actuatorJoint(_ id: Int) -> Int { Int(model.actuator_trnid[2 * id]) }

    /// Sliding, torsional and rolling friction of geom `id`.
    public func geomFriction(_ id: Int) -> [Double] { (0..<3).map { model.geom_friction[3 * id + $0] } }
    /// Contact type and affinity bitmasks of geom `id`.
    public func geomContact(_ id: Int) -> (type: Int, affinity: Int) {
        (Int(model.geom_contype[id]), Int(model.geom_conaffinity[id]))
    }
    /// Contact dimensionality of geom `id` (1 frictionless, 3 sliding friction, 4 or 6 with torsion/rolling).
    public func geomCondim(_ id: Int) -> Int { Int(model.geom_condim[id]) }
    /// Contact margin of geom `id` (m).
    public func geomMargin(_ id: Int) -> Double { model.geom_margin[id] }
    /// Body that geom `id` belongs to.
    public func geomBody(_ id: Int) -> Int { Int(model.geom_bodyid[id]) }
    /// The two geoms of explicit contact pair `id`.
    public func pairGeoms(_ id: Int) -> (Int, Int) { (Int(model.pair_geom1[id]), Int(model.pair_geom2[id])) }
    /// Body that site `id` is attached to.
    public func siteBody(_ id: Int) -> Int { Int(model.site_bodyid[id]) }
    /// Position of site `id` in its body's frame.
    public func siteLocalPosition(_ id: Int) -> [Double] { (0..<3).map { model.site_pos[3 * id + $0] } }
    /// Number of explicit contact pairs.
    public var npair: Int { Int(model.npair) }
    /// Model's reference position qpos0 (nq).
    public var qpos0: [Double] { (0..<nq).map { model.qpos0[$0] } }
    /// A named numeric element's values, or nil.
    public func numeric(_ name: String) -> [Double]? {
        guard let id = id(mjOBJ_NUMERIC, name) else { return nil }
        let address = Int(model.numeric_adr[id]), size = Int(model.numeric_size[id])
        return (0..<size).map { model.numeric_data[address + $0] }
    }
}
