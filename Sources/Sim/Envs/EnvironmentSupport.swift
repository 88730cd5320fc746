import Core

/// An environment backed by a MuJoCo simulation, with access to its state for recording and replay.
public protocol MuJoCoEnvironment: Environment {
    /// The simulation this environment steps.
    var simulation: Simulation { get }
}

/// One of the paper's tasks: its model file, the original code's frame skip, and a constructor over a loaded model.
public protocol MuJoCoTask: MuJoCoEnvironment {
    /// The MJCF file inside the model folder.
    static var modelFile: String { get }
    /// Physics steps per environment step in the original code.
    static var frameSkip: Int { get }
    /// An environment over `model` (checked for the task's sizes) stepping `frameSkip` physics steps at a time.
    init(model: MuJoCoModel, frameSkip: Int) throws
}

extension MuJoCoEnvironment {
    /// Appends qpos and qvel of the simulation.
    public func appendState(qpos: inout [Double], qvel: inout [Double]) {
        qpos.append(contentsOf: simulation.qpos)
        qvel.append(contentsOf: simulation.qvel)
    }
}

/// The machinery every MuJoCo environment shares: action scaling, guarded stepping, noisy resets.
///
/// Composition rather than a base class: each environment owns one and adds its observation, reward and
/// termination rules.
final class EnvironmentCore {
    let simulation: Simulation
    /// The environment's sizes and timing (horizon 200 as in the paper unless the task gives its own).
    let spec: EnvironmentSpec
    /// Actuator bounds (nu); a normalized action of ±1 maps to these (``ActionMapping/normalized``).
    let lower: [Double]
    let upper: [Double]
    /// Start pose around which resets draw their noise (nq).
    let initialQpos: [Double]
    /// Last applied action (nu).
    private(set) var applied: [Double]
    /// How an action becomes actuator controls.
    let actionMapping: ActionMapping

    /// How an action in [-1, 1]^nu becomes actuator controls.
    enum ActionMapping {
        /// lb + (a + 1)(ub − lb)/2, clipped to [lb, ub]: the paper's rllab environments.
        case normalized
        /// The action is the control itself, clipped to the control range [-1, 1] as MuJoCo clamps it: Gymnasium's
        /// environments, which write the action into `ctrl` unchanged (the affine map above is not bit-exact there).
        case controls
    }

    /// Standard deviations of the Gaussian reset noise on qpos and qvel (docs/algorithm.md §5.1: 0.01 and 0.1).
    static let qposNoise = 0.01
    static let qvelNoise = 0.1

    /// Checks that `model` has the sizes the environment `name` indexes by (nq, nv, nu), then sets up its
    /// simulation, action bounds (the actuators' control ranges) and spec.
    init(
        model: MuJoCoModel, name: String, sizes: (nq: Int, nv: Int, nu: Int), observationSize: Int,
        frameSkip: Int, terminatesEarly: Bool, initialQpos: [Double]? = nil, horizon: Int = 200,
        actionMapping: ActionMapping = .normalized
    ) throws {
        guard model.nq == sizes.nq, model.nv == sizes.nv, model.nu == sizes.nu else {
            throw SimError.modelLoad(
                path: model.path,
                message: "\(name) needs nq=\(sizes.nq), nv=\(sizes.nv), nu=\(sizes.nu); the model has "
                    + "nq=\(model.nq), nv=\(model.nv), nu=\(model.nu)")
        }
        lower = (0..<model.nu).map { model.actuatorCtrlRange($0).lowerBound }
        upper = (0..<model.nu).map { model.actuatorCtrlRange($0).upperBound }
        if actionMapping == .controls, !(lower.allSatisfy { $0 == -1 } && upper.allSatisfy { $0 == 1 }) {
            throw SimError.modelLoad(
                path: model.path,
                message: "\(name) takes actions as actuator controls and needs every ctrlrange to be [-1, 1]")
        }
        self.actionMapping = actionMapping
        simulation = try Simulation(model: model, frameSkip: frameSkip)
        self.initialQpos = initialQpos ?? model.qpos0
        applied = [Double](repeating: 0, count: model.nu)
        spec = EnvironmentSpec(
            name: name, observationSize: observationSize, actionSize: model.nu, actionLower: lower,
            actionUpper: upper, dt: simulation.dt, horizon: horizon, terminatesEarly: terminatesEarly)
    }

    /// Checks `action`, maps it to controls (``ActionMapping``), clips them to [lb, ub] and steps; `laggingXpos` and
    /// `contactForces` receive what Gymnasium reads after stepping
    /// (``Simulation/step(control:laggingXpos:contactForces:)``).
    func step(
        _ action: [Double], laggingXpos: UnsafeMutableBufferPointer<Double>? = nil,
        contactForces: UnsafeMutableBufferPointer<Double>? = nil
    ) throws -> StepStatus {
        try validateAction(action, size: lower.count)
        for i in 0..<action.count {
            let control: Double
            switch actionMapping {
            case .normalized: control = lower[i] + (action[i] + 1) * 0.5 * (upper[i] - lower[i])
            case .controls: control = action[i]
            }
            applied[i] = min(max(control, lower[i]), upper[i])
        }
        return applied.withUnsafeBufferPointer {
            laggingXpos == nil && contactForces == nil
                ? simulation.step(control: $0)
                : simulation.step(control: $0, laggingXpos: laggingXpos, contactForces: contactForces)
        }
    }

    /// One environment step: applies `action`, observes, and scores it with `outcome`, which receives the new
    /// observation and the root's displacement velocity (x_after − x_before)/dt and returns the reward terms and
    /// whether the episode ended. A diverged simulation ends the episode with zero reward and MuJoCo's reason.
    func step(
        _ action: [Double], observe: () -> [Double],
        outcome: (_ observation: [Double], _ displacementVelocity: Double) -> (RewardTerms, EpisodeEnd)
    ) throws
        -> StepResult
    {
        let xBefore = simulation.qpos[0]
        let status = try step(action)
        let observation = observe()
        guard case .ok = status else { return divergedResult(observation, status) }
        let (terms, end) = outcome(observation, (simulation.qpos[0] - xBefore) / spec.dt)
        return StepResult(observation: observation, reward: terms.total, terms: terms, end: end)
    }

    /// Resets to the initial pose plus N(0, 0.01²) per qpos coordinate and N(0, 0.1²) per qvel coordinate,
    /// drawn in that order; `adjust` may overwrite parts of the state before the forward pass. The light reset
    /// (``Simulation/resetState()``) gives the same episodes as a full `mj_resetData`, bit for bit (tested).
    func resetWithNoise(
        using rng: inout SplitMix64,
        adjust: (Simulation, inout SplitMix64) -> Void = { _, _ in }
    ) {
        resetWithNoise(qpos: .gaussian(Self.qposNoise), qvel: .gaussian(Self.qvelNoise), using: &rng, adjust: adjust)
    }

    /// Noise added to one start coordinate.
    enum ResetNoise {
        /// σ·N(0, 1).
        case gaussian(Double)
        /// U(−scale, scale).
        case uniform(Double)

        func draw(_ rng: inout SplitMix64) -> Double {
            switch self {
            case .gaussian(let sigma): return sigma * rng.nextGaussian()
            case .uniform(let scale): return rng.nextUniform(-scale, scale)
            }
        }
    }

    /// Resets to the initial pose plus `qpos` noise per coordinate, then zero velocity plus `qvel` noise, drawn in
    /// that order; `adjust` may overwrite parts of the state before the forward pass.
    func resetWithNoise(
        qpos qposNoise: ResetNoise, qvel qvelNoise: ResetNoise, using rng: inout SplitMix64,
        adjust: (Simulation, inout SplitMix64) -> Void = { _, _ in }
    ) {
        simulation.resetState()
        let qpos = simulation.qpos, qvel = simulation.qvel
        for i in 0..<qpos.count { qpos[i] = initialQpos[i] + qposNoise.draw(&rng) }
        for i in 0..<qvel.count { qvel[i] = qvelNoise.draw(&rng) }
        adjust(simulation, &rng)
        do { try simulation.forward() } catch { preconditionFailure("\(error)") }
    }

    /// [qpos[qposFrom…qposTo−1], qvel[0…qvelCount−1] (clipped to ±velocityClip if given), extra…] in one allocation.
    func observation(
        qposFrom: Int, qposTo: Int, qvelCount: Int, velocityClip: Double? = nil,
        extra: SIMD3<Double>? = nil
    ) -> [Double] {
        let qpos = simulation.qpos, qvel = simulation.qvel
        let size = qposTo - qposFrom + qvelCount + (extra == nil ? 0 : 3)
        return Array(unsafeUninitializedCapacity: size) { buffer, count in
            var k = 0
            for i in qposFrom..<qposTo {
                buffer[k] = qpos[i]
                k += 1
            }
            for i in 0..<qvelCount {
                buffer[k] = velocityClip.map { limit in clip(qvel[i], limit) } ?? qvel[i]
                k += 1
            }
            if let extra {
                for axis in 0..<3 { buffer[k + axis] = extra[axis] }
                k += 3
            }
            count = k
        }
    }

    /// Squared norm of the applied action.
    var appliedSquaredNorm: Double { applied.reduce(0) { $0 + $1 * $1 } }
}

/// Sum of squares of row `row` of a (rows × width) buffer.
@inline(__always)
func rowSquaredNorm(_ values: UnsafeBufferPointer<Double>, row: Int, width: Int) -> Double {
    var sum = 0.0
    let start = row * width
    for j in 0..<width { sum += values[start + j] * values[start + j] }
    return sum
}

/// min(max(x, −limit), limit).
@inline(__always)
func clip(_ x: Double, _ limit: Double) -> Double { min(max(x, -limit), limit) }

/// The step result for a diverged simulation: zero reward, the episode ends with MuJoCo's reason.
func divergedResult(_ observation: [Double], _ status: StepStatus) -> StepResult {
    let reason: String
    switch status {
    case .ok: reason = "unknown"
    case .diverged(let message): reason = message
    }
    return StepResult(observation: observation, reward: 0, terms: RewardTerms(), end: .diverged(reason))
}
