import Core

/// The PR2 robot's left arm reaching for a random goal point (`pr2`).
///
/// The model is `pr2.xml`: a fixed PR2 body whose 7-joint left arm is torque controlled, with zero gravity and
/// a `target` body on three slide joints (x, y, z) whose positions are the goal's world coordinates.
/// Timestep 0.05 s, frame skip 1, so dt = 0.05 s and 200 steps last 10 s.
///
/// | actions (normalized [-1, 1] → torque 3a, clipped to ±3, gear 1) | |
/// |---|---|
/// | 0–6 | shoulder pan, shoulder lift, upper-arm roll, elbow flex, forearm roll, wrist flex, wrist roll |
///
/// | observation (17) | entries |
/// |---|---|
/// | 0–6 | arm joint angles qpos[0…6] |
/// | 7–13 | arm joint velocities qvel[0…6] |
/// | 14–16 | goal − fingertip (world frame, m) |
///
/// Reward: distance = −‖goal − tip‖² measured *before* the step, control = −0.005‖a_env/3‖² with a_env the
/// applied torque (= −0.005‖clip(a, −1, 1)‖²); not clipped. Model reward on predicted transitions:
/// −‖obs'[14…16]‖² − 0.005‖a/3‖² on the raw action (so its control cost is 9× smaller, and its distance is taken
/// after the step, as in the original). Never terminates early. Start state: arm qpos0 + N(0, 0.01²), velocities
/// N(0, 0.1²) with the target's set to 0, and a new goal uniform in x ∈ [0.4, 0.6], y ∈ [0.25, 0.75],
/// z ∈ [0.6, 1.0] at every reset.
///
/// Gymnasium has no PR2 task; its Pusher-v5 uses a similar arm with meshes. Our model replaces the original's
/// STL meshes with primitive geoms carrying the same inertias.
public final class PR2Reacher: MuJoCoTask {
    public static let modelFile = "pr2.xml"
    /// Observation and action widths.
    static let observationWidth = 17, actionWidth = 7
    /// Where the observation holds goal − tip.
    static let goalOffsetRange = 14..<17
    public static let frameSkip = 1
    static let controlCost = 0.005
    static let torqueScale = 3.0
    /// Goal box (world frame, m).
    static let goalLower = SIMD3<Double>(0.4, 0.25, 0.6)
    static let goalUpper = SIMD3<Double>(0.6, 0.75, 1.0)

    public var spec: EnvironmentSpec { core.spec }
    let core: EnvironmentCore
    let tipSite: Int
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }

    /// `frameSkip` overrides the task's physics steps per environment step (the original code's value by default).
    public init(model: MuJoCoModel, frameSkip: Int = PR2Reacher.frameSkip) throws {
        core = try EnvironmentCore(
            model: model, name: "pr2", sizes: (10, 10, 7), observationSize: Self.observationWidth,
            frameSkip: frameSkip, terminatesEarly: false)
        guard let tip = model.siteID("tip") else {
            throw SimError.modelLoad(path: model.path, message: "pr2 needs a site named 'tip'")
        }
        tipSite = tip
    }

    /// The current goal: the target's slide-joint positions (world frame).
    public var goal: SIMD3<Double> { SIMD3(simulation.qpos[7], simulation.qpos[8], simulation.qpos[9]) }

    /// The fingertip's world position.
    public var tip: SIMD3<Double> { simulation.sitePosition(tipSite) }

    public func reset(using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(using: &rng) { simulation, rng in
            let qpos = simulation.qpos, qvel = simulation.qvel
            for axis in 0..<3 {
                qpos[7 + axis] = rng.nextUniform(Self.goalLower[axis], Self.goalUpper[axis])
                qvel[7 + axis] = 0
            }
        }
        return observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        // the distance is measured before the step, as in the original
        let offsetBefore = goal - tip
        return try core.step(action, observe: observation) { _, _ in
            (
                RewardTerms(
                    control: -Self.controlCost * core.appliedSquaredNorm / (Self.torqueScale * Self.torqueScale),
                    distance: -(offsetBefore * offsetBefore).sum()), .running
            )
        }
    }

    /// [qpos[0…6], qvel[0…6], goal − tip].
    func observation() -> [Double] {
        core.observation(qposFrom: 0, qposTo: 7, qvelCount: 7, extra: goal - tip)
    }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        let scale = 1 / (Self.torqueScale * Self.torqueScale)
        for row in 0..<rewards.count {
            var distance = 0.0
            for j in Self.goalOffsetRange {
                distance +=
                    nextObservations[row * Self.observationWidth + j]
                    * nextObservations[row * Self.observationWidth + j]
            }
            rewards[row] =
                -distance - Self.controlCost * scale * rowSquaredNorm(actions, row: row, width: Self.actionWidth)
        }
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for row in 0..<dones.count { dones[row] = false }
    }
}
