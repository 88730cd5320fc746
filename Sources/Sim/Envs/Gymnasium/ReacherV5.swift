import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Gymnasium's `Reacher-v5`: a two-link planar arm that reaches for a target, 50-step episodes.
///
/// The model is `reacher_v5.xml`: two hinges (gear 200) and a target on two slides; RK4 at 0.01 s, stepped twice per
/// environment step, so dt = 0.02 s. Nothing collides.
///
/// | actions (controls in [-1, 1], gear 200) | |
/// |---|---|
/// | 0–1 | shoulder (joint0), elbow (joint1) |
///
/// | observation (10) | entries |
/// |---|---|
/// | 0–1, 2–3 | cos and sin of the two joint angles |
/// | 4–5 | the target's x, y (qpos[2…3]) |
/// | 6–7 | the two joint velocities |
/// | 8–9 | fingertip − target, x and y, of the body positions as the last physics step left them |
///
/// Like Gymnasium's, the body positions come from data that no forward pass refreshed after stepping: one physics
/// step behind the state (``Simulation/step(control:laggingXpos:contactForces:)``); after a reset they are current.
///
/// Reward (after the step, as v5 computes it): distance = −‖fingertip − target‖ (those body positions), control =
/// −Σa² on the action as given (weight 1, as Gymnasium's code has it). Never terminates; 50 steps. Start state:
/// qpos0 + U(±0.1) for all four coordinates, then the target's two replaced by a goal uniform in the disc of radius
/// 0.2; qvel U(±0.005) with the target's two set to 0. Gymnasium draws the goal by rejection from the square; we
/// draw the same distribution in polar form (radius 0.2·min(√u, 1 − 10⁻¹²), angle 2πv), so that a reset takes a
/// fixed number of random draws. Model reward: −‖obs'[8…9]‖ − Σa², which is the real reward exactly (the two
/// bodies are at the same height).
///
/// Differences from Gymnasium: MuJoCo 2.2.2 instead of 3.x; our random streams and goal draw.
public final class ReacherV5: MuJoCoTask {
    public static let modelFile = "reacher_v5.xml"
    public static let frameSkip = 2
    /// Steps before Gymnasium's time limit.
    static let horizon = 50
    static let observationWidth = 10, actionWidth = 2
    /// Index in the observation of the fingertip − target x.
    static let offsetIndex = 8
    static let controlCost = 1.0
    static let distanceWeight = 1.0
    static let qposNoise = 0.1, qvelNoise = 0.005
    static let goalRadius = 0.2

    public var spec: EnvironmentSpec { core.spec }
    let core: EnvironmentCore
    public var simulation: Simulation { core.simulation }
    public var appliedAction: [Double] { core.applied }
    let fingertip: Int, target: Int
    /// Body positions (nbody × 3) as the last physics step left them, or after a reset the current ones.
    private var bodyPositions: [Double]

    public init(model: MuJoCoModel, frameSkip: Int = ReacherV5.frameSkip) throws {
        core = try EnvironmentCore(
            model: model, name: "Reacher-v5", sizes: (4, 4, 2), observationSize: Self.observationWidth,
            frameSkip: frameSkip, terminatesEarly: false, horizon: Self.horizon, actionMapping: .controls)
        guard let fingertip = model.bodyID("fingertip"), let target = model.bodyID("target") else {
            throw SimError.modelLoad(
                path: model.path, message: "Reacher-v5 needs bodies named 'fingertip' and 'target'")
        }
        (self.fingertip, self.target) = (fingertip, target)
        bodyPositions = [Double](repeating: 0, count: 3 * model.nbody)
    }

    public func reset(using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(qpos: .uniform(Self.qposNoise), qvel: .uniform(Self.qvelNoise), using: &rng) {
            simulation, rng in
            // √u < 1 − 10⁻¹² keeps the goal strictly inside the disc, as Gymnasium's test is, whatever the rounding
            let radius = Self.goalRadius * min(rng.nextUniform().squareRoot(), 1 - 1e-12)
            let angle = 2 * Double.pi * rng.nextUniform()
            simulation.qpos[2] = radius * cos(angle)
            simulation.qpos[3] = radius * sin(angle)
            simulation.qvel[2] = 0
            simulation.qvel[3] = 0
        }
        for body in 0..<simulation.model.nbody {
            let p = simulation.bodyPosition(body)
            for axis in 0..<3 { bodyPositions[3 * body + axis] = p[axis] }
        }
        return observation()
    }

    public func step(_ action: [Double]) throws -> StepResult {
        let status = try bodyPositions.withUnsafeMutableBufferPointer { xpos in
            try core.step(action, laggingXpos: xpos)
        }
        let observation = observation()
        guard case .ok = status else { return divergedResult(observation, status) }
        let terms = RewardTerms(
            control: -Self.controlCost * GymnasiumV5.squaredSum(action),
            distance: -Self.distanceWeight * offsetNorm())
        return StepResult(observation: observation, reward: terms.total, terms: terms, end: .running)
    }

    /// fingertip − target along `axis`, of ``bodyPositions``.
    private func offset(_ axis: Int) -> Double {
        bodyPositions[3 * fingertip + axis] - bodyPositions[3 * target + axis]
    }

    /// ‖fingertip − target‖ in three dimensions.
    private func offsetNorm() -> Double {
        (offset(0) * offset(0) + offset(1) * offset(1) + offset(2) * offset(2)).squareRoot()
    }

    /// [cos q0, cos q1, sin q0, sin q1, qpos[2…3], qvel[0…1], (fingertip − target)[x, y]].
    func observation() -> [Double] {
        let qpos = simulation.qpos, qvel = simulation.qvel
        return [
            cos(qpos[0]), cos(qpos[1]), sin(qpos[0]), sin(qpos[1]), qpos[2], qpos[3], qvel[0], qvel[1], offset(0),
            offset(1),
        ]
    }

    public func modelRewards(
        observations: UnsafeBufferPointer<Double>, actions: UnsafeBufferPointer<Double>,
        nextObservations: UnsafeBufferPointer<Double>, into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for row in 0..<rewards.count {
            let (dx, dy) = (
                nextObservations[row * Self.observationWidth + Self.offsetIndex],
                nextObservations[row * Self.observationWidth + Self.offsetIndex + 1]
            )
            let control = Self.controlCost * GymnasiumV5.squaredSum(actions, row: row, width: Self.actionWidth)
            rewards[row] = -Self.distanceWeight * (dx * dx + dy * dy + 0).squareRoot() + -control
        }
    }

    public func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>)
    {
        for row in 0..<dones.count { dones[row] = false }
    }
}
