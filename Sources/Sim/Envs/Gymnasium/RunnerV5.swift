import Core

/// The rules Gymnasium's `HalfCheetah-v5` and `Swimmer-v5` share: observation [qpos[skipped…], qvel], forward reward
/// (x_after − x_before)/dt from qpos[0], control cost w·Σa² on the action as given (not clipped; MuJoCo clamps the
/// control to [-1, 1]), no termination. Model reward: the observed vx at the end of the step (the observation does
/// not hold the displacement) − w·Σa².
struct RunnerV5Rules: TaskRules {
    let name: String
    let nq: Int, nu: Int
    /// Leading qpos entries left out of the observation (the root's position).
    let skippedQpos: Int
    let controlCost: Double
    let qposNoise: EnvironmentCore.ResetNoise, qvelNoise: EnvironmentCore.ResetNoise

    var observationWidth: Int { 2 * nq - skippedQpos }
    /// Index in the observation of qvel[0].
    var forwardVelocityIndex: Int { nq - skippedQpos }

    func makeCore(model: MuJoCoModel, frameSkip: Int) throws -> EnvironmentCore {
        try EnvironmentCore(
            model: model, name: name, sizes: (nq, nq, nu), observationSize: observationWidth, frameSkip: frameSkip,
            terminatesEarly: false, horizon: GymnasiumV5.horizon, actionMapping: .controls)
    }

    func reset(_ core: EnvironmentCore, using rng: inout SplitMix64) -> [Double] {
        core.resetWithNoise(qpos: qposNoise, qvel: qvelNoise, using: &rng)
        return observation(core)
    }

    func step(_ core: EnvironmentCore, _ action: [Double]) throws -> StepResult {
        try core.step(action, observe: { observation(core) }) { _, forward in
            (RewardTerms(forward: forward, control: -controlCost * GymnasiumV5.squaredSum(action)), .running)
        }
    }

    /// [qpos[skippedQpos…], qvel].
    func observation(_ core: EnvironmentCore) -> [Double] {
        core.observation(qposFrom: skippedQpos, qposTo: nq, qvelCount: nq)
    }

    func modelRewards(
        actions: UnsafeBufferPointer<Double>, nextObservations: UnsafeBufferPointer<Double>,
        into rewards: UnsafeMutableBufferPointer<Double>
    ) {
        for row in 0..<rewards.count {
            let forward = nextObservations[row * observationWidth + forwardVelocityIndex]
            rewards[row] = forward - controlCost * GymnasiumV5.squaredSum(actions, row: row, width: nu)
        }
    }

    func modelDones(nextObservations: UnsafeBufferPointer<Double>, into dones: UnsafeMutableBufferPointer<Bool>) {
        for row in 0..<dones.count { dones[row] = false }
    }
}
