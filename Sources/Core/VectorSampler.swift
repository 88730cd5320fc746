/// Steps N environments of one task in lockstep on worker threads, with one batched policy call per step.
///
/// Each environment owns its state (for MuJoCo tasks its `mjData`; the model is shared read-only) and its random
/// stream (`seed` derived by environment index). Environments are stepped on the shared ``WorkerPool`` (each
/// touches only its own slots) and the policy runs on the calling thread, so trajectories are bit-identical for any
/// thread count.
///
/// An environment whose episode ends (termination, divergence or the horizon) records its trajectory and is
/// reset at once; it keeps sampling. Trajectories are returned in completion order (step, then environment index).
public final class VectorSampler: TrajectorySampler {
    public let environments: [any Environment]
    public let spec: EnvironmentSpec
    /// Worker threads used for stepping.
    public let threads: Int
    private var generators: [SplitMix64]

    /// Steps `environments` (at least one, all of the same task), seeded from `seed`.
    public init(environments: [any Environment], seed: UInt64, threads: Int = 1) {
        precondition(!environments.isEmpty, "need at least one environment")
        let count = environments.count
        self.environments = environments
        spec = environments[0].spec
        self.threads = WorkerPool.shared.workers(units: count, threads: threads)
        let root = SplitMix64(seed: seed)
        generators = (0..<count).map { root.derived(stream: UInt64($0)) }
    }

    public var environmentCount: Int { environments.count }
    /// The processes the environments are split over (``SingleProcess`` by default: all of them here).
    public var communicator: any Communicator = SingleProcess.shared
    /// Environment steps the last `sample` call took, including those of unfinished episodes it discarded.
    public private(set) var stepsTaken = 0

    /// The random-stream states of the environments (saved in checkpoints to resume sampling exactly).
    public var generatorStates: [SplitMix64] {
        get { generators }
        set {
            precondition(newValue.count == generators.count, "need \(generators.count) generator states")
            generators = newValue
        }
    }

    /// Runs every environment from a fresh reset until `stop` is met; episodes are cut at `horizon` steps.
    ///
    /// Split over ranks (``communicator``), every rank runs the policy on every row, as one process does, and
    /// resets and steps only the environments it owns (``Communicator/ownedUnits(of:)``); after every step, and
    /// after every round of resets, the ranks exchange what their environments did (``StepExchange``). So every
    /// rank returns every trajectory, and the generator states of all environments, with the bits of one process.
    public func sample(horizon: Int, stop: StopRule, policy: BatchPolicy) throws -> [Trajectory] {
        let count = environments.count
        let owned = communicator.ownedUnits(of: count)
        let (obsSize, actSize) = (spec.observationSize, spec.actionSize)
        let exchange =
            communicator.size > 1
            ? StepExchange(
                communicator: communicator, owned: owned, count: count, observationSize: obsSize, actionSize: actSize)
            : nil
        var observations = [Double](repeating: 0, count: count * obsSize)
        var actions = [Double](repeating: 0, count: count * actSize)
        var running = [Trajectory](repeating: Trajectory(), count: count)
        var errors = [Error?](repeating: nil, count: count)
        var ended = [Bool](repeating: false, count: count)
        startEpisodes(Array(0..<count), owned: owned, exchange: exchange, into: &running, observations: &observations)

        var completed: [Trajectory] = []
        var completedSteps = 0
        stepsTaken = 0
        while true {
            do {
                try observations.withUnsafeBufferPointer { o in
                    try actions.withUnsafeMutableBufferPointer { a in try policy(o, a) }
                }
            } catch {
                // the policy sees every row on every rank, so every rank throws here (see below)
                exchange?.shareGenerators(&generators)
                throw error
            }
            // step this rank's environments in parallel; each touches only its own slots
            running.withUnsafeMutableBufferPointer { paths in
                observations.withUnsafeMutableBufferPointer { obs in
                    errors.withUnsafeMutableBufferPointer { errs in
                        ended.withUnsafeMutableBufferPointer { done in
                            let action = actions, envs = environments, first = owned.lowerBound
                            WorkerPool.shared.run(units: owned.count, threads: threads, partition: .contiguous) {
                                unit, _ in
                                let j = first + unit
                                do {
                                    let a = Array(action[(j * actSize)..<((j + 1) * actSize)])
                                    done[j] = try Self.stepEnvironment(
                                        envs[j], action: a, path: &paths[j], horizon: horizon,
                                        observations: obs, row: j, observationSize: obsSize)
                                } catch {
                                    errs[j] = error
                                }
                            }
                        }
                    }
                }
            }
            exchange?.shareSteps(
                paths: &running, observations: &observations, actions: actions, ended: &ended, errors: &errors)
            if let error = errors.compactMap({ $0 }).first {
                // every rank throws at this step: leave each with every environment's generator, as one process has
                exchange?.shareGenerators(&generators)
                throw error
            }
            stepsTaken += count
            // collect finished episodes in environment order, restart those environments
            var restarted: [Int] = []
            var done = false
            for j in 0..<count where ended[j] {
                completed.append(running[j])
                completedSteps += running[j].length
                restarted.append(j)
                ended[j] = false
                if case .episodes(let n) = stop, completed.count >= n {
                    done = true
                    break
                }
            }
            startEpisodes(restarted, owned: owned, exchange: exchange, into: &running, observations: &observations)
            if case .completedSteps(let target) = stop, completedSteps >= target { done = true }
            if done {
                exchange?.shareGenerators(&generators)
                return completed
            }
        }
    }

    /// Resets environments `indices` (ascending) and starts their new paths: this rank's own by drawing from their
    /// streams, the others' from what their ranks share.
    private func startEpisodes(
        _ indices: [Int], owned: Range<Int>, exchange: StepExchange?, into running: inout [Trajectory],
        observations: inout [Double]
    ) {
        guard !indices.isEmpty else { return }
        for j in indices {
            running[j] = Trajectory()
            if owned.contains(j) { startEpisode(j, into: &running[j], observations: &observations) }
        }
        exchange?.shareStarts(indices, paths: &running, observations: &observations)
    }

    private func startEpisode(_ j: Int, into path: inout Trajectory, observations: inout [Double]) {
        let observation = environments[j].reset(using: &generators[j])
        path.environment = j
        environments[j].appendState(qpos: &path.qpos, qvel: &path.qvel)
        path.observations.reserveCapacity(spec.horizon * spec.observationSize)
        let obsSize = spec.observationSize
        for i in 0..<obsSize { observations[j * obsSize + i] = observation[i] }
    }

    /// Steps environment j and records the step; returns whether its episode ended.
    private static func stepEnvironment(
        _ env: any Environment, action: [Double], path: inout Trajectory,
        horizon: Int, observations: UnsafeMutableBufferPointer<Double>, row j: Int,
        observationSize obsSize: Int
    ) throws -> Bool {
        let before = UnsafeBufferPointer(rebasing: observations[(j * obsSize)..<((j + 1) * obsSize)])
        path.observations.append(contentsOf: before)
        let result = try env.step(action)
        // the step exchange and the recorded paths rely on these widths (an environment's contract)
        precondition(
            result.observation.count == obsSize && env.appliedAction.count == action.count,
            "\(type(of: env)) returned \(result.observation.count) observations and \(env.appliedAction.count) applied "
                + "actions, not \(obsSize) and \(action.count)")
        path.actions.append(contentsOf: action)
        path.appliedActions.append(contentsOf: env.appliedAction)
        path.rewards.append(result.reward)
        env.appendState(qpos: &path.qpos, qvel: &path.qvel)
        for i in 0..<obsSize { observations[j * obsSize + i] = result.observation[i] }
        var end = result.end
        if end == .running && path.length >= horizon { end = .truncated }
        guard end != .running else { return false }
        path.end = end
        path.finalObservation = result.observation
        return true
    }
}
