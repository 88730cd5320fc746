import Core

/// MB-MPO's outer loop (Clavera et al. 2018, Algorithm 1, as the original code runs it; docs/algorithm.md §1):
///
/// ```
/// for each iteration:
///     collect real data: random actions first, then one rollout per task with its adapted policy θ'_i
///     add the transitions (last step of each path dropped) to the FIFO buffer
///     evaluate θ and its real-data adaptation in the real environment (logged only)
///     refit the dynamics ensemble (warm start, early stopping)
///     repeat 30 times (meta-steps):
///         imagine rollouts with θ (task i through member ⌊i·K/M⌋)
///         θ'_i = θ − α ∇L_inner,i(θ) per task
///         imagine rollouts with θ'_i
///         TRPO step on θ through the adaptation (second order), KL of the post-update policies ≤ δ
/// ```
/// The θ'_i of the last meta-step (computed before its TRPO step) explore the real environment next iteration.
public final class MBMPOTrainer: Trainer {
    public let context: TrainingContext
    /// Adapted parameters per task for the next real-data collection (empty before the first meta-step).
    public internal(set) var explorationParameters: [[Double]] = []
    public let imagination: ImaginedSampler
    /// Per-task policy evaluation of the imagined rows this process samples, allocated once.
    var evaluator: PolicyBlockEvaluator
    /// The communicator the imagination was last set up for (its rows are split over its processes where that gives
    /// one process's bits: ``ImaginedSampler/split(over:)``).
    private var imaginationCommunicator: (any Communicator)?
    /// The TRPO objective, kept across meta-steps so its per-task buffers are allocated once.
    var objective: SurrogateObjective?
    var config: TrainingConfig { context.config }

    /// - Parameters: real: `config.realEnvironments` environments; environment: an instance of the same task.
    public static let explorationPolicyName = "adapted"
    /// The name of θ'_i (one row per task) in ``algorithmState``.
    public static let explorationParametersName = "exploration_parameters"
    public static let realRolloutsServeTasks = true

    public init(config: TrainingConfig, real: any TrajectorySampler, environment: any Environment) {
        context = TrainingContext(config: config, real: real, environment: environment)
        imagination = ImaginedSampler(
            ensemble: context.ensemble, environment: environment, rows: config.imaginedRows,
            tasks: config.meta.metaBatchSize, horizon: config.sampling.imaginedPathLength,
            propagation: .blocks, clip: config.sampling.clipObservations, start: config.sampling.imaginedStart)
        evaluator = PolicyBlockEvaluator(layout: context.policy.layout, rows: config.imaginedRows)
    }

    public func runIteration(progress: (String) -> Void = { _ in }) throws -> IterationResult {
        try context.runIteration { log in
            progress("sampling")
            // random actions first, then one rollout per task with its adapted policy θ'_i (or θ itself without
            // tailored exploration)
            _ = try context.collectRealData(random: explorationParameters.isEmpty, log: &log) {
                try context.sampleReal(parameterSets: realDataParameters)
            }
            var clock = Stopwatch()
            if config.sampling.evaluate {
                progress("evaluation")
                try evaluateInRealEnvironment(log: &log)
            }
            log.record("Time-Evaluation", clock.lap())

            progress("model fit")
            try context.fitDynamics(log: &log)
            log.record("Time-ModelFit", clock.lap())

            var timing = MetaStepTiming()
            for step in 0..<config.meta.stepsPerIteration {
                progress("meta-step \(step + 1)/\(config.meta.stepsPerIteration)")
                metaStep(index: step, log: &log, timing: &timing)
            }
            timing.record(into: &log)
            log.record("Time-MAMLSteps", clock.lap())
            context.recordPolicyStd(log: &log)
        }
    }

    // MARK: real data

    /// The parameters the real training rollouts act with: one set per task, θ'_i of the last meta-step with tailored
    /// exploration (``MetaConfig/tailoredExploration``), else θ for every task.
    public var realDataParameters: [[Double]] {
        config.meta.tailoredExploration ? explorationParameters : [context.policy.parameters]
    }

    /// Pre-update rollouts with θ, one inner step per task on its own rollout, post-update rollouts with θ'_i.
    func evaluateInRealEnvironment(log: inout IterationLog) throws {
        let theta = context.policy.parameters
        let pre = try context.sampleReal(parameterSets: [theta])
        context.record(.preUpdate, pre)
        log.record(returns: ReturnStatistics(paths: pre), prefix: "PrePolicy")
        var perTask = [[Trajectory]](repeating: [], count: config.meta.metaBatchSize)
        for path in pre { perTask[path.environment / config.sampling.realRolloutsPerTask].append(path) }
        let samples = perTask.map { paths in
            var baseline = LinearFeatureBaseline()
            return context.policySamples(
                observations: paths.flatMap(\.observations), actions: paths.flatMap(\.actions),
                rewards: paths.flatMap(\.rewards), lengths: paths.map(\.length),
                baseline: &baseline)
        }
        let adapted = InnerStep.adapt(
            parameters: theta, tasks: samples, layout: context.policy.layout,
            stepSize: config.meta.innerStepSize, threads: config.threads)
        let post = try context.sampleReal(parameterSets: adapted)
        context.record(.postUpdate, post)
        log.record(returns: ReturnStatistics(paths: post), prefix: "PostPolicy")
    }

    // MARK: state

    public var algorithmState: AlgorithmState {
        AlgorithmState([Self.explorationParametersName: .init(rows: explorationParameters)])
    }

    public func validateAlgorithmState(_ state: AlgorithmState) throws {
        let sets = try state.array(Self.explorationParametersName)
        let count = context.policy.layout.parameterCount
        guard sets.shape.count == 2, sets.values.isEmpty || sets.shape == [config.meta.metaBatchSize, count]
        else { throw TrainingStateError("the saved adapted parameters do not fit this configuration") }
    }

    public func restoreAlgorithmState(_ state: AlgorithmState) {
        explorationParameters = state.arrays[Self.explorationParametersName]?.rows ?? []
    }

    // MARK: meta-step

    /// Imagined pre-update rollouts, inner step per task, imagined post-update rollouts, TRPO meta-step.
    /// Split over processes, each adapts its own tasks (``ImaginedSampler/ownedTasks``) and imagines them, with the
    /// neighbours' tasks that share their prediction chunks (``ImaginedSampler/imaginedTasks``); they share the
    /// adapted parameters and the returns of their own tasks' paths; the objective splits the same tasks.
    func metaStep(index: Int, log: inout IterationLog, timing: inout MetaStepTiming) {
        let theta = context.policy.parameters
        setUpImagination()
        let owned = imagination.ownedTasks
        let prePaths = timing.measure(\.sampling) {
            imagine(parameterSets: [[Double]](repeating: theta, count: config.meta.metaBatchSize))
        }
        let pre = timing.measure(\.processing) { ownedSamples(of: prePaths, withDistribution: false) }
        let adapted = timing.measure(\.inner) {
            let own = InnerStep.adapt(
                parameters: theta, tasks: Array(pre[owned]), layout: context.policy.layout,
                stepSize: config.meta.innerStepSize, threads: config.threads)
            return shareAcrossTasks(own, width: theta.count)
        }
        let postPaths = timing.measure(\.sampling) { imagine(parameterSets: adapted) }
        let post = timing.measure(\.processing) { ownedSamples(of: postPaths, withDistribution: true) }
        let result = timing.measure(\.outer) {
            let objective = metaObjective(tasks: zip(pre, post).map { MetaTaskSamples(pre: $0, post: $1) })
            var parameters = theta
            let result = TRPO.step(objective, parameters: &parameters, config: config.meta.trpo)
            context.policy.parameters = parameters
            // the stored adaptations stay those computed before this TRPO step (as in the original)
            explorationParameters = adapted
            return result
        }
        timing.add(result)
        let preReturn = ReturnStatistics(allReturns(prePaths)).mean
        let postReturn = ReturnStatistics(allReturns(postPaths)).mean
        if index == 0 {
            log.record("DynTrajs0a-AverageReturn", preReturn)
            log.record("DynTrajs0b-AverageReturn", postReturn)
        }
        if index == config.meta.stepsPerIteration - 1 {
            log.record("DynTrajsLasta-AverageReturn", preReturn)
            log.record("DynTrajsLastb-AverageReturn", postReturn)
        }
    }

    /// The meta-step objective over `tasks`, built once and reloaded on later meta-steps (its buffers are reused).
    func metaObjective(tasks: [MetaTaskSamples]) -> SurrogateObjective {
        if let objective {
            objective.update(tasks: tasks)
            return objective
        }
        let objective = SurrogateObjective(
            layout: context.policy.layout, tasks: tasks,
            innerStepSize: config.meta.innerStepSize, threads: config.threads,
            precision: config.meta.trpo.curvaturePrecision, communicator: context.communicator)
        self.objective = objective
        return objective
    }

    /// Splits the imagined rows over the context's processes once it has them (a trainer is made before its
    /// communicator is set), and again, with a new objective, whenever the communicator changes.
    func setUpImagination() {
        guard imaginationCommunicator !== context.communicator else { return }
        imaginationCommunicator = context.communicator
        objective = nil
        imagination.split(over: context.communicator)
        evaluator = PolicyBlockEvaluator(
            layout: context.policy.layout, rows: max(imagination.imaginedRows.count, 1))
    }

    /// Policy samples of the tasks this process owns (empty samples for the others).
    func ownedSamples(of paths: [TaskPaths], withDistribution: Bool) -> [PolicySamples] {
        let owned = imagination.ownedTasks
        let empty = PolicySamples(
            observationSize: context.policy.layout.observationSize, actionSize: context.policy.layout.actionSize,
            observations: [], actions: [], advantages: [])
        return paths.indices.map {
            owned.contains($0) ? samples(from: paths[$0], withDistribution: withDistribution) : empty
        }
    }

    /// Every task's rows of `width` values, from the rows of this process's tasks (each process computed its own).
    func shareAcrossTasks(_ own: [[Double]], width: Int) -> [[Double]] {
        guard imagination.isSplit else { return own }
        let tasks = config.meta.metaBatchSize
        let all = imagination.communicator.gatherUnits(own.flatMap { $0 }, width: width, units: tasks)
        return (0..<tasks).map { Array(all[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// The returns of every task's paths in task order (gathered from the processes that imagined them).
    func allReturns(_ paths: [TaskPaths]) -> [Double] {
        let own = imagination.ownedTasks.flatMap { paths[$0].returns }
        guard imagination.isSplit else { return own }
        return imagination.communicator.allGather(own).flatMap { $0 }
    }

    /// Imagined rollouts where task i acts with parameterSets[i] (only the tasks this process imagines when split;
    /// the paths of its own).
    func imagine(parameterSets: [[Double]]) -> [TaskPaths] {
        let evaluator = self.evaluator
        let sets = imagination.isSplit ? Array(parameterSets[imagination.imaginedTasks]) : parameterSets
        return imagination.sample(
            targetSteps: config.imaginedStepsPerPhase,
            policy: { observations, means, logStds in
                evaluator.evaluate(observations: observations, parameterSets: sets, means: means, logStds: logStds)
            }, using: &context.imaginationRNG)
    }

    /// One task's imagined paths as policy samples (baseline fitted on them first, as in the original).
    func samples(from paths: TaskPaths, withDistribution: Bool) -> PolicySamples {
        var baseline = LinearFeatureBaseline()
        return context.policySamples(
            observations: paths.observations, actions: paths.actions, rewards: paths.rewards,
            lengths: paths.lengths, means: withDistribution ? paths.means : [],
            logStds: withDistribution ? paths.logStds : [], baseline: &baseline)
    }
}

/// Per-iteration totals of the meta-steps' phases.
struct MetaStepTiming {
    var sampling = 0.0, processing = 0.0, inner = 0.0, outer = 0.0
    var accepted = 0, steps = 0, kl = 0.0, stepFraction = 0.0

    /// Runs `body` and adds its wall-clock seconds to `phase`.
    mutating func measure<T>(_ phase: WritableKeyPath<MetaStepTiming, Double>, _ body: () throws -> T) rethrows -> T {
        var clock = Stopwatch()
        defer { self[keyPath: phase] += clock.lap() }
        return try body()
    }

    mutating func add(_ result: TRPOStepResult) {
        steps += 1
        accepted += result.accepted ? 1 : 0
        kl += result.kl
        stepFraction += result.stepFraction
    }

    func record(into log: inout IterationLog) {
        log.record("Time-DynSampling", sampling)
        log.record("Time-DynSampleProc", processing)
        log.record("Time-InnerStep", inner)
        log.record("Time-OuterStep", outer)
        log.record("TRPO-Accepted", Double(accepted))
        log.record("TRPO-MeanKL", kl / Double(max(steps, 1)))
        log.record("TRPO-MeanStepFraction", stepFraction / Double(max(steps, 1)))
    }
}
