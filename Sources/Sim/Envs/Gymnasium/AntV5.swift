import Core

/// Gymnasium's `Ant-v5`: the quadruped with v5's defaults, contact forces in the observation and the reward.
///
/// The model is `ant.xml` (the same file as `ant`; its bodies, gears 150 and RK4 timestep 0.01 s are Gymnasium's),
/// stepped 5 times per environment step, so dt = 0.05 s. The start pose is the model's qpos0 (torso at z 0.75, legs
/// straight), not the file's `init_qpos` numeric that `ant` uses.
///
/// | actions (controls in [-1, 1], gear 150) | |
/// |---|---|
/// | 0–7 | hip and ankle of legs 4, 1, 2, 3, in the order of the model's actuators |
///
/// | observation (105) | entries |
/// |---|---|
/// | 0 | torso z |
/// | 1–4 | torso orientation quaternion (w, x, y, z) |
/// | 5–12 | the eight joint angles |
/// | 13–18 | torso linear and angular velocity |
/// | 19–26 | the eight joint velocities |
/// | 27–104 | clip(cfrc_ext, ±1) of bodies 1–13 (6 each: torque, force), as the last physics step left them |
///
/// What Gymnasium reads after stepping comes from data that no forward pass has refreshed, so it is one physics step
/// behind the state: the contact forces (`mj_rnePostConstraint` on that data) and the torso position of the forward
/// reward. We copy the same quantities at the same point (``Simulation/step(control:laggingXpos:contactForces:)``).
///
/// Reward: forward = (x_after − x_before)/dt of the torso's body position as just described (x_before: the value the
/// previous step left, or after a reset the start state's), alive = 1 while healthy, control = −0.5 Σa² on the action
/// as given, contact = −0.0005 Σ clip(cfrc_ext, ±1)² over all bodies; summed as (forward + alive) − (control +
/// contact) costs. Healthy: qpos and qvel finite and 0.2 ≤ z ≤ 1.0 (inclusive); unhealthy ends the episode. 1 000
/// steps. Start state: qpos0 + U(±0.1) per coordinate (the quaternion too, not renormalized), qvel 0.1·N(0, 1).
///
/// Model reward on predicted transitions: obs'[13] (the torso's x velocity at the end of the step, for the lagging
/// displacement) + 1 if obs' is healthy − 0.5 Σa² − 0.0005 Σ obs'[27…104]² (the predicted contact forces, clipped
/// to ±1: exact in form, the world body's forces being zero). Model done: obs' not finite or z outside [0.2, 1.0].
///
/// Differences from Gymnasium: MuJoCo 2.2.2 instead of 3.x, whose contact solver differs, so the contact forces
/// differ more than the state does (measured by `scripts/gymnasium_parity.py`); our random streams.
public final class AntV5: MuJoCoTask {
    public static let modelFile = "ant.xml"
    public static let frameSkip = 5
    static let observationWidth = 105, actionWidth = 8
    /// Index in the observation of qvel[0], and of the first contact-force entry.
    static let forwardVelocityIndex = 13, contactIndex = 27
    static let controlCost = 0.5
    static let contactCost = 5e-4
    static let healthyReward = 1.0
    static let contactForceLimit = 1.0
    static let healthyZ = 0.2...1.0
    static let resetNoise = 0.1
    /// The torso's body index ("main_body" 1).
    static let torso = 1

    public var spec: EnvironmentSpec { core.spec }
    let core: EnvironmentCore
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }
    /// Body positions (nbody × 3) and contact forces (nbody × 6) as the last physics step left them.
    private(set) var laggingXpos: [Double]
    private(set) var contactForces: [Double]
    /// The torso's x as Gymnasium's next step will read it before stepping.
    private var torsoX = 0.0

    public init(model: MuJoCoModel, frameSkip: Int = AntV5.frameSkip) throws {
        core = try EnvironmentCore(
            model: model, name: "Ant-v5", sizes: (15, 14, 8), observationSize: Self.observationWidth,
            frameSkip: frameSkip, terminatesEarly: true, horizon: GymnasiumV5.horizon, actionMapping: .controls)
        guard model.nbody == 14 else {
            throw SimError.modelLoad(path: model.path, message: "Ant-v5 needs 14 bodies, the model has \(model.nbody)")
        }
        laggingXpos = [Double](repeating: 0, count: 3 * model.nbody)
        contactForces = [Double](repeating: 0, count: 6 * model.nbody)
    }

    public func reset(using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(qpos: .uniform(Self.resetNoise), qvel: .gaussian(Self.resetNoise), using: &rng)
        // a reset's forward pass computes neither the contact forces nor anything lagging: Gymnasium's observation
        // after a reset holds the forces mj_resetData left, zero
        for i in contactForces.indices { contactForces[i] = 0 }
        torsoX = simulation.bodyPosition(Self.torso).x
        return observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        let status = try laggingXpos.withUnsafeMutableBufferPointer { xpos in
            try contactForces.withUnsafeMutableBufferPointer { forces in
                try core.step(action, laggingXpos: xpos, contactForces: forces)
            }
        }
        let observation = observation()
        guard case .ok = status else { return divergedResult(observation, status) }
        let xAfter = laggingXpos[3 * Self.torso]
        let forward = (xAfter - torsoX) / spec.dt
        torsoX = xAfter
        let healthy = isHealthy()
        let contact = Self.contactCost * GymnasiumV5.squaredSum(count: contactForces.count) { clippedForce($0) }
        let terms = RewardTerms(
            forward: forward, alive: healthy ? Self.healthyReward : 0,
            control: -Self.controlCost * GymnasiumV5.squaredSum(action), contact: -contact)
        return StepResult(
            observation: observation, reward: terms.total, terms: terms, end: healthy ? .running : .terminated)
    }

    /// clip(cfrc_ext[i], ±1) of the flat (nbody × 6) contact forces.
    private func clippedForce(_ i: Int) -> Double { clip(contactForces[i], Self.contactForceLimit) }

    /// qpos and qvel finite, 0.2 ≤ z ≤ 1.0.
    private func isHealthy() -> Bool {
        simulation.qpos.allSatisfy(\.isFinite) && simulation.qvel.allSatisfy(\.isFinite)
            && Self.healthyZ.contains(simulation.qpos[2])
    }

    /// [qpos[2…14], qvel[0…13], clip(cfrc_ext[1…13], ±1)].
    func observation() -> [Double] {
        var observation = core.observation(qposFrom: 2, qposTo: 15, qvelCount: 14)
        observation.reserveCapacity(Self.observationWidth)
        for i in 6..<contactForces.count { observation.append(clippedForce(i)) }
        return observation
    }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>, into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        let width = Self.observationWidth
        for row in 0..<rewards.count {
            let next = row * width
            let forward = nextObservations[next + Self.forwardVelocityIndex]
            let alive = isHealthy(observation: nextObservations, row: row) ? Self.healthyReward : 0
            let control = Self.controlCost * GymnasiumV5.squaredSum(actions, row: row, width: Self.actionWidth)
            // the world body's six zero forces lead NumPy's sum; they change no bit of it, but its grouping
            let contact =
                Self.contactCost
                * GymnasiumV5.squaredSum(count: 6 + width - Self.contactIndex) { i in
                    i < 6 ? 0 : clip(nextObservations[next + Self.contactIndex + i - 6], Self.contactForceLimit)
                }
            rewards[row] = (forward + alive) - (control + contact)
        }
    }

    /// Finite and 0.2 ≤ obs[0] ≤ 1.0.
    private func isHealthy(observation o: UnsafeBufferPointer<Double>, row: Int) -> Bool {
        GymnasiumV5.rowIsFinite(o, row: row, width: Self.observationWidth)
            && Self.healthyZ.contains(o[row * Self.observationWidth])
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for row in 0..<dones.count { dones[row] = !isHealthy(observation: nextObservations, row: row) }
    }
}
