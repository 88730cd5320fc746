import Core

/// A planar cheetah that learns to run forward (`half-cheetah`).
///
/// The model is `half_cheetah.xml`: a torso with a back and a front leg of three hinges each, moving in the
/// x–z plane (root: slide x, slide z, hinge y). Physics timestep 0.01 s, frame skip 1, so dt = 0.01 s and a
/// 200-step episode lasts 2 s.
///
/// | actions (normalized [-1, 1] → torque = gear · a) | gear |
/// |---|---|
/// | 0 bthigh, 1 bshin, 2 bfoot | 120, 90, 60 |
/// | 3 fthigh, 4 fshin, 5 ffoot | 120, 60, 30 |
///
/// | observation (17) | entries |
/// |---|---|
/// | 0–7 | qpos[1…8]: rootz, rooty, bthigh, bshin, bfoot, fthigh, fshin, ffoot |
/// | 8–16 | qvel[0…8]: vx, vz, ω_rooty and the six joint velocities |
///
/// Reward: forward = (x_after − x_before)/dt, control = −0.1‖ã‖² with ã the applied (clipped) action; the sum is
/// clipped to ±1000. The model reward used on predicted transitions is obs'[8] − 0.1‖a‖² (clipped ±1000) on the
/// raw action. Start state: qpos0 + N(0, 0.01²), qvel N(0, 0.1²). Episodes never end early; the sampler cuts them
/// at 200 steps.
///
/// Differences from Gymnasium's HalfCheetah-v5: dt 0.01 instead of 0.05 (frame skip 1, not 5), Gaussian instead
/// of uniform qpos noise, control cost 0.1 (v5: 0.1 as well), reward clipped, horizon 200 instead of 1000.
public final class HalfCheetah: MuJoCoTask {
    public static let modelFile = "half_cheetah.xml"
    /// Observation and action widths.
    static let observationWidth = 17, actionWidth = 6
    /// Index in the observation of qvel[0], the root's forward velocity.
    static let forwardVelocityIndex = 8
    public static let frameSkip = 1
    static let controlCost = 0.1
    static let rewardClip = 1000.0

    public var spec: EnvironmentSpec { core.spec }
    let core: EnvironmentCore
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }

    /// `frameSkip` overrides the task's physics steps per environment step (the original code's value by default).
    public init(model: MuJoCoModel, frameSkip: Int = HalfCheetah.frameSkip) throws {
        core = try EnvironmentCore(
            model: model, name: "half-cheetah", sizes: (9, 9, 6), observationSize: Self.observationWidth,
            frameSkip: frameSkip, terminatesEarly: false)
    }

    public func reset(using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(using: &rng)
        return observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        try core.step(action, observe: observation) { _, forward in
            (
                RewardTerms(
                    forward: forward, control: -Self.controlCost * core.appliedSquaredNorm,
                    clipLimit: Self.rewardClip), .running
            )
        }
    }

    /// [qpos[1…8], qvel[0…8]].
    func observation() -> [Double] {
        core.observation(qposFrom: 1, qposTo: 9, qvelCount: 9)
    }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for row in 0..<rewards.count {
            let forward = nextObservations[row * Self.observationWidth + Self.forwardVelocityIndex]
            let control = Self.controlCost * rowSquaredNorm(actions, row: row, width: Self.actionWidth)
            rewards[row] = clip(forward - control, Self.rewardClip)
        }
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for row in 0..<dones.count { dones[row] = false }
    }
}
