import Core

/// The rules Gymnasium's `Hopper-v5` and `Walker2d-v5` share: observation [qpos[1…], clip(qvel, ±10)], forward
/// reward from qpos[0], a healthy reward of 1 paid only while healthy, control cost 0.001 Σa² on the action as given,
/// termination when unhealthy, start state qpos0 + U(±0.005), qvel U(±0.005). They differ in the healthy test.
struct PlanarWalkerV5Rules: TaskRules {
    let name: String
    /// Open intervals for the torso height qpos[1] and angle qpos[2].
    let height: (lower: Double, upper: Double)
    let angle: (lower: Double, upper: Double)
    /// Open interval for every entry of the state vector past the root's x and z (qpos[2…], qvel, unclipped);
    /// nil where the task has no such test (Walker2d-v5).
    let state: (lower: Double, upper: Double)?
    let nq: Int, nu: Int

    static let controlCost = 0.001
    static let healthyReward = 1.0
    static let velocityClip = 10.0
    static let resetNoise = 0.005

    var observationWidth: Int { 2 * nq - 1 }
    /// Index in the observation of the clipped qvel[0].
    var forwardVelocityIndex: Int { nq - 1 }

    /// Whether the simulation's state is healthy (strict inequalities, as Gymnasium's code has them).
    func isHealthy(_ simulation: Simulation) -> Bool {
        let qpos = simulation.qpos, qvel = simulation.qvel
        guard height.lower < qpos[1] && qpos[1] < height.upper, angle.lower < qpos[2] && qpos[2] < angle.upper
        else { return false }
        if let state {
            for i in 2..<qpos.count where !(state.lower < qpos[i] && qpos[i] < state.upper) { return false }
            for i in 0..<qvel.count where !(state.lower < qvel[i] && qvel[i] < state.upper) { return false }
        }
        return true
    }

    /// The same test on a (predicted) observation: height obs[0], angle obs[1], and for the state range the joint
    /// angles obs[1…nq−2] only, since the observation holds the velocities clipped to ±10, inside any state range.
    func isHealthy(observation o: UnsafeBufferPointer<Double>, row: Int) -> Bool {
        let start = row * observationWidth
        let (z, a) = (o[start], o[start + 1])
        guard height.lower < z && z < height.upper, angle.lower < a && a < angle.upper else { return false }
        if let state {
            for j in 1..<(nq - 1) where !(state.lower < o[start + j] && o[start + j] < state.upper) { return false }
        }
        return true
    }

    func makeCore(model: MuJoCoModel, frameSkip: Int) throws -> EnvironmentCore {
        try EnvironmentCore(
            model: model, name: name, sizes: (nq, nq, nu), observationSize: observationWidth, frameSkip: frameSkip,
            terminatesEarly: true, horizon: GymnasiumV5.horizon, actionMapping: .controls)
    }

    func reset(_ core: EnvironmentCore, using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(qpos: .uniform(Self.resetNoise), qvel: .uniform(Self.resetNoise), using: &rng)
        return observation(core)
    }

    func step(_ core: EnvironmentCore, _ action: [Double]) throws -> StepResult {
        try core.step(action, observe: { observation(core) }) { _, forward in
            let healthy = isHealthy(core.simulation)
            return (
                RewardTerms(
                    forward: forward, alive: healthy ? Self.healthyReward : 0,
                    control: -Self.controlCost * GymnasiumV5.squaredSum(action)), healthy ? .running : .terminated
            )
        }
    }

    /// [qpos[1…nq−1], clip(qvel, ±10)].
    func observation(_ core: EnvironmentCore) -> [Double] {
        core.observation(qposFrom: 1, qposTo: nq, qvelCount: nq, velocityClip: Self.velocityClip)
    }

    /// obs'[vx] (clipped at ±10) + 1 if obs' is healthy − 0.001 Σa².
    func modelRewards(
        actions: UnsafeBufferPointer<Double>, nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for row in 0..<rewards.count {
            let forward = nextObservations[row * observationWidth + forwardVelocityIndex]
            let alive = isHealthy(observation: nextObservations, row: row) ? Self.healthyReward : 0
            rewards[row] =
                (forward + alive) - Self.controlCost * GymnasiumV5.squaredSum(actions, row: row, width: nu)
        }
    }

    func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>) {
        for row in 0..<dones.count { dones[row] = !isHealthy(observation: nextObservations, row: row) }
    }
}

/// Gymnasium's `Hopper-v5`: the one-legged hopper with v5's defaults.
///
/// The model is `hopper.xml` (the same file as `hopper`; its joints, masses, gears and RK4 timestep 0.002 s are
/// Gymnasium's), stepped 4 times per environment step, so dt = 0.008 s.
///
/// | actions (controls in [-1, 1], gear 200) | |
/// |---|---|
/// | 0–2 | thigh, leg, foot |
///
/// | observation (11) | entries |
/// |---|---|
/// | 0–4 | qpos[1…5]: torso height, torso angle, thigh, leg, foot angles |
/// | 5–10 | clip(qvel[0…5], ±10) |
///
/// Reward: forward = (x_after − x_before)/dt from qpos[0], alive = 1 while healthy (0 on the step that ends the
/// episode), control = −0.001 Σa² on the action as given. Healthy: 0.7 < z, −0.2 < angle < 0.2 and every entry of
/// (qpos[2…5], qvel) in (−100, 100), all strict, on the state after the step; unhealthy ends the episode. 1 000 steps.
/// Start state: qpos0 + U(±0.005), qvel U(±0.005). Model reward and done: the same on the predicted observation,
/// with obs'[5] (vx clipped at ±10) for the displacement velocity; the state-range test sees the joint angles only
/// (the observation holds the velocities clipped at ±10).
///
/// Differences from Gymnasium: MuJoCo 2.2.2 instead of 3.x; our random streams.
public final class HopperV5: RuledTask, MuJoCoTask {
    public static let modelFile = "hopper.xml"
    public static let frameSkip = 4
    static let rules = PlanarWalkerV5Rules(
        name: "Hopper-v5", height: (0.7, .infinity), angle: (-0.2, 0.2), state: (-100, 100), nq: 6, nu: 3)

    public init(model: MuJoCoModel, frameSkip: Int = HopperV5.frameSkip) throws {
        try super.init(model: model, frameSkip: frameSkip, rules: Self.rules)
    }
}

/// Gymnasium's `Walker2d-v5`: the planar biped with v5's defaults.
///
/// The model is `walker2d_v5.xml`: `walker2d.xml` with both feet at friction 1.9 as in v5 (v2–v4 give the right
/// foot 0.9); RK4 at 0.002 s, stepped 4 times per environment step, so dt = 0.008 s.
///
/// | actions (controls in [-1, 1], gear 100) | |
/// |---|---|
/// | 0–2, 3–5 | right thigh, leg, foot; left thigh, leg, foot |
///
/// | observation (17) | entries |
/// |---|---|
/// | 0–7 | qpos[1…8]: torso height, torso angle, six joint angles |
/// | 8–16 | clip(qvel[0…8], ±10) |
///
/// Reward: forward = (x_after − x_before)/dt from qpos[0], alive = 1 while healthy, control = −0.001 Σa² on the
/// action as given. Healthy: 0.8 < z < 2 and −1 < angle < 1 (strict; no finiteness or state-range test, as in
/// Gymnasium's code); unhealthy ends the episode. 1 000 steps. Start state: qpos0 + U(±0.005), qvel U(±0.005).
/// Model reward and done: the same on the predicted observation (exact but for the forward term, obs'[8]).
///
/// Differences from Gymnasium: MuJoCo 2.2.2 instead of 3.x; our random streams.
public final class Walker2dV5: RuledTask, MuJoCoTask {
    public static let modelFile = "walker2d_v5.xml"
    public static let frameSkip = 4
    static let rules = PlanarWalkerV5Rules(
        name: "Walker2d-v5", height: (0.8, 2.0), angle: (-1, 1), state: nil, nq: 9, nu: 6)

    public init(model: MuJoCoModel, frameSkip: Int = Walker2dV5.frameSkip) throws {
        try super.init(model: model, frameSkip: frameSkip, rules: Self.rules)
    }
}
