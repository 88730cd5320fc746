import Core
import Learner
import Sim

/// Single episodes of a trained controller in the real environment, reproducible from a seed and the episode index
/// alone (so `export` and `eval` give the same episodes for any thread count): episode k starts from reset stream k
/// of the seed and draws its actions from stream k | 2³² of a second generator.
enum PolicyEpisodes {
    /// Maps an observation to an action, drawing any randomness from the episode's action stream.
    typealias Controller = (_ observation: [Double], _ rng: inout SplitMix64) throws -> [Double]

    /// The Gaussian policy's sampled action, or its mean with `deterministic`.
    static func policyController(_ policy: GaussianMLPPolicy, deterministic: Bool) -> Controller {
        { observation, rng in
            deterministic
                ? policy.means(observations: observation)
                : policy.sample(observations: observation, using: &rng).actions
        }
    }

    /// One episode of at most `horizon` steps, recorded with its full simulator states.
    static func run(
        _ environment: any MuJoCoEnvironment, seed: UInt64, episode: Int, horizon: Int, act: Controller
    ) throws -> Trajectory {
        let root = SplitMix64(seed: seed)
        var resetRNG = root.derived(stream: UInt64(episode))
        var actionRNG = root.derived(stream: UInt64(episode) | (1 << 32))
        var path = Trajectory()
        var observation = environment.reset(using: &resetRNG)
        environment.appendState(qpos: &path.qpos, qvel: &path.qvel)
        while path.end == .running {
            let action = try act(observation, &actionRNG)
            let result = try environment.step(action)
            path.observations += observation
            path.actions += action
            path.appliedActions += environment.appliedAction
            path.rewards.append(result.reward)
            environment.appendState(qpos: &path.qpos, qvel: &path.qvel)
            observation = result.observation
            path.end = result.end == .running && path.length >= horizon ? .truncated : result.end
        }
        path.finalObservation = observation
        return path
    }

    /// What acts in a checkpoint's episodes: MB-MPC's planner (its models restored in `setup`'s trainer; `adapted`
    /// is refused there and `deterministic` does not apply), else the Gaussian policy θ or, with `adapted`, one
    /// controller per task's θ'_i (episode k uses controller k mod their count). `name` says which, for messages.
    static func controllers(
        _ setup: TrainingSetup, state: TrainingState, spec: EnvironmentSpec, path: String, adapted: Bool,
        deterministic: Bool
    ) throws -> (controllers: [Controller], name: String, planner: Bool) {
        if let planner = setup.trainer as? MBMPCTrainer {
            guard !adapted else {
                throw ResumeError(
                    description: "\(path): --policy adapted needs an MB-MPO run; MB-MPC acts with its planner")
            }
            let plan = planner.singleEnvironmentController()
            return ([{ observation, rng in plan(observation, &rng) }], "the MPC planner", true)
        }
        let layout = PolicyLayout(
            observationSize: spec.observationSize, actionSize: spec.actionSize, config: state.config.policy)
        let sets = try actingParameters(state, adapted: adapted, path: path)
        let controllers = sets.map {
            policyController(GaussianMLPPolicy(layout: layout, parameters: $0), deterministic: deterministic)
        }
        let name =
            (adapted ? "adapted policies θ'_i" : "policy θ")
            + (deterministic ? " (mean actions)" : " (sampled actions)")
        return (controllers, name, false)
    }

    /// Refuses episodes of which any diverged (the simulation became unstable): a return or score over them would
    /// mean nothing, and the cause is the model (`--assets`) or its timestep, not the policy.
    static func checkNoneDiverged(_ paths: [Trajectory]) throws {
        let reasons = paths.compactMap { path -> String? in
            if case .diverged(let reason) = path.end { return reason }
            return nil
        }
        guard let first = reasons.first else { return }
        throw ResumeError(
            description:
                "\(reasons.count) of \(paths.count) episodes diverged\(first.isEmpty ? "" : " (\(first))"); no score "
                + "is given for them: check the model (--assets) and its timestep")
    }

    /// θ, or (with `adapted`) the stored θ'_i of every task of an MB-MPO checkpoint.
    static func actingParameters(_ state: TrainingState, adapted: Bool, path: String) throws -> [[Double]] {
        guard adapted else { return [state.policyParameters] }
        guard let sets = state.algorithm.arrays[MBMPOTrainer.explorationParametersName]?.rows else {
            throw ResumeError(
                description: "\(path): --policy adapted needs an MB-MPO run, this is "
                    + "\(state.config.algorithm.rawValue)")
        }
        guard !sets.isEmpty else {
            throw ResumeError(description: "\(path): holds no adapted parameters yet (no meta-step has run)")
        }
        return sets
    }
}
