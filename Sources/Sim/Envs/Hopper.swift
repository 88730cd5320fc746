import Core

/// A one-legged planar hopper that learns to hop forward (`hopper`).
///
/// The model is `hopper.xml`: torso, thigh, leg and foot, root slide x, slide z, hinge y; RK4 at 0.002 s with
/// frame skip 4, so dt = 0.008 s (the paper-submission values).
///
/// | actions (normalized [-1, 1], gear 200) | |
/// |---|---|
/// | 0–2 | thigh, leg, foot |
///
/// | observation (11) | entries |
/// |---|---|
/// | 0–4 | qpos[1…5]: torso height, torso angle, thigh, leg, foot angles |
/// | 5–10 | clip(qvel[0…5], ±10): vx, vz, ω and three joint velocities |
///
/// Reward: forward = (x_after − x_before)/dt, alive = 1, control = −0.001‖ã‖²; not clipped. Model reward on
/// predicted transitions: obs'[5] (the clipped vx) + 1 − 0.001‖a‖², clipped to ±1000. The episode ends unless the
/// observation is finite, |obs[1…]| < 100, height > 0.7 and |angle| < 0.2 (model done: finite, |obs'[3…]| < 100,
/// obs'[0] > 0.7, |obs'[1]| < 0.2). Start state: qpos0 + N(0, 0.01²), qvel N(0, 0.1²).
///
/// Differences from Gymnasium's Hopper-v5: same dt (0.008), velocities clipped to ±10 in the observation, control
/// cost 1e-3 (as v5), healthy test on the observation rather than the full state, Gaussian reset noise,
/// horizon 200 instead of 1000.
public final class Hopper: MuJoCoTask {
    public static let modelFile = "hopper.xml"
    /// Observation and action widths.
    static let observationWidth = 11, actionWidth = 3
    /// Index in the observation of qvel[0], the root's forward velocity.
    static let forwardVelocityIndex = 5
    /// Physics steps per environment step in the code submitted with the paper (training's `paper` preset sets 5,
    /// with a 0.004 s timestep: `TrainingConfig.finalTimings` in Learner).
    public static let frameSkip = 4
    static let controlCost = 0.001
    static let aliveBonus = 1.0
    static let velocityClip = 10.0
    static let rewardClip = 1000.0

    public var spec: EnvironmentSpec { core.spec }
    let core: EnvironmentCore
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }

    /// `frameSkip` overrides the task's physics steps per environment step (the original code's value by default).
    public init(model: MuJoCoModel, frameSkip: Int = Hopper.frameSkip) throws {
        core = try EnvironmentCore(
            model: model, name: "hopper", sizes: (6, 6, 3), observationSize: Self.observationWidth,
            frameSkip: frameSkip, terminatesEarly: true)
    }

    public func reset(using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(using: &rng)
        return observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        try core.step(action, observe: observation) { observation, forward in
            let healthy =
                observation.allSatisfy { $0.isFinite } && observation.dropFirst().allSatisfy { abs($0) < 100 }
                && observation[0] > 0.7 && abs(observation[1]) < 0.2
            return (
                RewardTerms(
                    forward: forward, alive: Self.aliveBonus,
                    control: -Self.controlCost * core.appliedSquaredNorm), healthy ? .running : .terminated
            )
        }
    }

    /// [qpos[1…5], clip(qvel[0…5], ±10)].
    func observation() -> [Double] {
        core.observation(qposFrom: 1, qposTo: 6, qvelCount: 6, velocityClip: Self.velocityClip)
    }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for row in 0..<rewards.count {
            let forward = nextObservations[row * Self.observationWidth + Self.forwardVelocityIndex]
            let control = Self.controlCost * rowSquaredNorm(actions, row: row, width: Self.actionWidth)
            rewards[row] = clip(forward + Self.aliveBonus - control, Self.rewardClip)
        }
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for row in 0..<dones.count {
            let start = row * Self.observationWidth
            let o = UnsafeBufferPointer(rebasing: nextObservations[start..<start + Self.observationWidth])
            var healthy = o.allSatisfy { $0.isFinite } && o[0] > 0.7 && abs(o[1]) < 0.2
            for j in 3..<Self.observationWidth where !(abs(o[j]) < 100) { healthy = false }
            dones[row] = !healthy
        }
    }
}
