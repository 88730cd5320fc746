import Core

/// A planar biped that learns to walk forward (`walker2d`).
///
/// The model is `walker2d.xml`: a torso on two legs of three hinges (thigh, leg, foot) each, root slide x, slide z,
/// hinge y; RK4 at 0.002 s with frame skip 4, so dt = 0.008 s (the paper-submission values).
///
/// | actions (normalized [-1, 1], gear 100) | |
/// |---|---|
/// | 0–2 | right thigh, leg, foot |
/// | 3–5 | left thigh, leg, foot |
///
/// | observation (17) | entries |
/// |---|---|
/// | 0–7 | qpos[1…8]: torso height, torso angle, six joint angles |
/// | 8–16 | clip(qvel[0…8], ±10): vx, vz, ω and six joint velocities |
///
/// Reward: forward = (x_after − x_before)/dt, alive = 1, control = −0.001‖ã‖²; not clipped. Model reward on
/// predicted transitions: obs'[8] (the clipped vx) + 1 − 0.001‖a‖². The episode ends unless
/// 0.8 < height < 2.0 and −1 < angle < 1 (model done: the same on obs'[0], obs'[1]). Start state: qpos0 +
/// N(0, 0.01²), qvel N(0, 0.1²).
///
/// Differences from Gymnasium's Walker2d-v5: dt 0.008 (v5: 0.008 as well), velocities clipped to ±10 in the
/// observation, control cost 1e-3 (v5: 1e-3), alive bonus always 1, Gaussian reset noise, horizon 200.
public final class Walker2d: MuJoCoTask {
    public static let modelFile = "walker2d.xml"
    /// Observation and action widths.
    static let observationWidth = 17, actionWidth = 6
    /// Index in the observation of qvel[0], the root's forward velocity.
    static let forwardVelocityIndex = 8
    /// Indices in the observation of the torso's height and angle (qpos[1], qpos[2]).
    static let heightIndex = 0, angleIndex = 1
    /// Physics steps per environment step in the code submitted with the paper (training's `paper` preset sets 5,
    /// with a 0.004 s timestep: `TrainingConfig.finalTimings` in Learner).
    public static let frameSkip = 4
    static let controlCost = 0.001
    static let aliveBonus = 1.0
    static let velocityClip = 10.0

    public var spec: EnvironmentSpec { core.spec }
    let core: EnvironmentCore
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }

    /// `frameSkip` overrides the task's physics steps per environment step (the original code's value by default).
    public init(model: MuJoCoModel, frameSkip: Int = Walker2d.frameSkip) throws {
        core = try EnvironmentCore(
            model: model, name: "walker2d", sizes: (9, 9, 6), observationSize: Self.observationWidth,
            frameSkip: frameSkip, terminatesEarly: true)
    }

    public func reset(using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(using: &rng)
        return observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        try core.step(action, observe: observation) { observation, forward in
            (
                RewardTerms(
                    forward: forward, alive: Self.aliveBonus, control: -Self.controlCost * core.appliedSquaredNorm),
                Self.isHealthy(height: observation[0], angle: observation[1]) ? .running : .terminated
            )
        }
    }

    static func isHealthy(height: Double, angle: Double) -> Bool {
        height > 0.8 && height < 2.0 && angle > -1.0 && angle < 1.0
    }

    /// [qpos[1…8], clip(qvel[0…8], ±10)].
    func observation() -> [Double] {
        core.observation(qposFrom: 1, qposTo: 9, qvelCount: 9, velocityClip: Self.velocityClip)
    }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for row in 0..<rewards.count {
            let forward = nextObservations[row * Self.observationWidth + Self.forwardVelocityIndex]
            rewards[row] =
                forward + Self.aliveBonus - Self.controlCost
                * rowSquaredNorm(actions, row: row, width: Self.actionWidth)
        }
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for row in 0..<dones.count {
            dones[row] = !Self.isHealthy(
                height: nextObservations[row * Self.observationWidth + Self.heightIndex],
                angle: nextObservations[row * Self.observationWidth + Self.angleIndex])
        }
    }
}
