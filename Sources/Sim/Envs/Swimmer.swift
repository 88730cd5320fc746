import Core

/// A three-link swimmer in a viscous fluid that learns to swim forward (`swimmer`).
///
/// The model is `swimmer.xml`: a free planar root (slide x, slide y, hinge z) and two hinge joints, RK4 at 0.01 s
/// with viscosity 0.1 and density 4000; frame skip 1, so dt = 0.01 s.
///
/// | actions (normalized [-1, 1], gear 150) | |
/// |---|---|
/// | 0, 1 | the two body joints |
///
/// | observation (8) | entries |
/// |---|---|
/// | 0–2 | qpos[2…4]: body angle, two joint angles |
/// | 3–7 | qvel[0…4]: vx, vy, ω and two joint velocities |
///
/// Reward: forward = (x_after − x_before)/dt, control = −1e-4‖ã‖²; not clipped. Model reward on predicted
/// transitions: obs'[3] − 1e-4‖a‖², clipped to ±1000. Never terminates early. Start state: qpos0 + N(0, 0.01²),
/// qvel N(0, 0.1²).
///
/// Differences from Gymnasium's Swimmer-v5: dt 0.01 instead of 0.04 (frame skip 1, not 4), Gaussian reset noise,
/// horizon 200 instead of 1000.
public final class Swimmer: MuJoCoTask {
    public static let modelFile = "swimmer.xml"
    public static let frameSkip = 1
    static let controlCost = 1e-4
    static let rewardClip = 1000.0

    public var spec: EnvironmentSpec { core.spec }
    let core: EnvironmentCore
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }

    /// `frameSkip` overrides the task's physics steps per environment step (the original code's value by default).
    public init(model: MuJoCoModel, frameSkip: Int = Swimmer.frameSkip) throws {
        core = try EnvironmentCore(
            model: model, name: "swimmer", sizes: (5, 5, 2), observationSize: 8,
            frameSkip: frameSkip, terminatesEarly: false)
    }

    public func reset(using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(using: &rng)
        return observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        try core.step(action, observe: observation) { _, forward in
            (RewardTerms(forward: forward, control: -Self.controlCost * core.appliedSquaredNorm), .running)
        }
    }

    /// [qpos[2…4], qvel[0…4]].
    func observation() -> [Double] {
        core.observation(qposFrom: 2, qposTo: 5, qvelCount: 5)
    }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for row in 0..<rewards.count {
            let forward = nextObservations[row * 8 + 3]
            rewards[row] = clip(
                forward - Self.controlCost * rowSquaredNorm(actions, row: row, width: 2),
                Self.rewardClip)
        }
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for row in 0..<dones.count { dones[row] = false }
    }
}
