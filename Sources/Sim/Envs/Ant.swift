import Core

/// A four-legged ant that learns to walk forward in 3-D (`ant`).
///
/// The model is `ant.xml`: a free-floating torso (7 qpos, 6 qvel) with four legs of two hinges each, integrated
/// with RK4 at 0.01 s; frame skip 2, so dt = 0.02 s.
///
/// | actions (normalized [-1, 1], gear 150) | |
/// |---|---|
/// | 0–7 | hip and ankle of legs 1–4, in the order of the model's actuators |
///
/// | observation (27) | entries |
/// |---|---|
/// | 0 | torso z |
/// | 1–4 | torso orientation quaternion (w, x, y, z) |
/// | 5–12 | the eight joint angles |
/// | 13–15, 16–18 | torso linear and angular velocity |
/// | 19–26 | the eight joint velocities |
///
/// Reward: forward = qvel[0] after the step (torso x velocity), alive = 1, control = −0.005‖ã‖²; the sum is
/// clipped to ±1000. A contact cost is not part of the reward (as in the original). Model reward on predicted
/// transitions: obs'[13] − 0.005‖a‖² + 1, not clipped. Start state: the model's `init_qpos` numeric (z 0.55,
/// unit quaternion, legs 0, 1, 0, −1, 0, −1, 0, 1) + N(0, 0.01²), qvel N(0, 0.1²). The episode ends when the
/// observation is not finite or the torso height leaves [0.2, 1.0] (the model done function applies the same
/// test to the predicted observation).
///
/// Differences from Gymnasium's Ant-v5: frame skip 2 instead of 5, observations exclude contact forces, no
/// contact cost, healthy z range [0.2, 1.0] as in v5, Gaussian reset noise, horizon 200 instead of 1000.
public final class Ant: MuJoCoTask {
    public static let modelFile = "ant.xml"
    /// Observation and action widths.
    static let observationWidth = 27, actionWidth = 8
    /// Index in the observation of qvel[0], the torso's forward velocity.
    static let forwardVelocityIndex = 13
    public static let frameSkip = 2
    static let controlCost = 0.005
    static let aliveBonus = 1.0
    static let rewardClip = 1000.0
    static let healthyZ = 0.2...1.0

    public var spec: EnvironmentSpec { core.spec }
    let core: EnvironmentCore
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }

    /// `frameSkip` overrides the task's physics steps per environment step (the original code's value by default).
    public init(model: MuJoCoModel, frameSkip: Int = Ant.frameSkip) throws {
        guard let initial = model.numeric("init_qpos"), initial.count == model.nq else {
            throw SimError.modelLoad(path: model.path, message: "ant needs a <numeric name=\"init_qpos\"> of size nq")
        }
        core = try EnvironmentCore(
            model: model, name: "ant", sizes: (15, 14, 8), observationSize: Self.observationWidth,
            frameSkip: frameSkip, terminatesEarly: true, initialQpos: initial)
    }

    public func reset(using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(using: &rng)
        return observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        try core.step(action, observe: observation) { observation, _ in
            // the forward term is the torso's x velocity after the step, not the displacement velocity
            let healthy = observation.allSatisfy { $0.isFinite } && Self.healthyZ.contains(observation[0])
            return (
                RewardTerms(
                    forward: simulation.qvel[0], alive: Self.aliveBonus,
                    control: -Self.controlCost * core.appliedSquaredNorm, clipLimit: Self.rewardClip),
                healthy ? .running : .terminated
            )
        }
    }

    /// [qpos[2…14], qvel[0…13]].
    func observation() -> [Double] {
        core.observation(qposFrom: 2, qposTo: 15, qvelCount: 14)
    }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for row in 0..<rewards.count {
            let forward = nextObservations[row * Self.observationWidth + Self.forwardVelocityIndex]
            rewards[row] =
                forward - Self.controlCost * rowSquaredNorm(actions, row: row, width: Self.actionWidth)
                + Self.aliveBonus
        }
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for row in 0..<dones.count {
            var finite = true
            for j in 0..<Self.observationWidth where !nextObservations[row * Self.observationWidth + j].isFinite {
                finite = false
            }
            dones[row] = !(finite && Self.healthyZ.contains(nextObservations[row * Self.observationWidth]))
        }
    }
}
