import ArgumentParser
import Cluster
import Core
import Foundation
import Learner
import Sim
import Storage

/// `mbmpo train`: MB-MPO (or a baseline) on one task, writing a run directory.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Train MB-MPO or a baseline (--algo) on a task; writes config.json, progress.csv, TensorBoard events, "
            + "trajectories.h5 and checkpoints to the run folder.")

    @Option(
        help: "Environment: \(EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")).",
        completion: .environments, transform: EnvironmentID.argument)
    var env: EnvironmentID?

    @Option(
        help: "Algorithm: \(Algorithm.allCases.map(\.rawValue).joined(separator: ", ")) (default mb-mpo).",
        completion: .algorithms, transform: Algorithm.argument)
    var algo: Algorithm?

    @Option(help: ArgumentHelp(TrainingPreset.help))
    var preset: TrainingPreset = .paper

    @Option(help: "Random seed.")
    var seed: UInt64?

    @Option(help: "Outer iterations (paper: 100).")
    var iterations: Int?

    @Option(help: "Worker threads (default: this machine's processors; results are identical for any value).")
    var threads: Int?

    @Option(
        help: ArgumentHelp(
            "Stop after the iteration that brings the real steps (n_timesteps) to at least N; with --resume, a new "
                + "budget.", valueName: "N"))
    var totalSteps: Int?

    @Option(
        help: ArgumentHelp(
            "Stop at the end of an iteration when the next one would end more than this long after train started "
                + "(3h30m, 1.5h, 90m, 5400 seconds, 4:00:00, 1-12:00:00; exit status 75); continue with --resume. "
                + "A new run runs at least one iteration; a resumed one whose last iteration would not fit, none.",
            valueName: "duration"),
        transform: TimeLimit.argument)
    var timeLimit: TimeLimit?

    @Option(help: "A JSON configuration file applied on top of the preset (unknown keys are rejected).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one setting, e.g. --set dynamics.learningRate=3e-4 (repeatable).")
    var overrides: [String] = []

    @Option(help: "Run folder (default: runs/ENV-ALGO-sSEED, or the first free runs/ENV-ALGO-sSEED-2, -3, …).")
    var out: String?

    @Flag(
        help: ArgumentHelp(
            "At the end, write the learning curve (learning-curve.png) and a picture strip of the final policy "
                + "(final-policy.png) into the run folder and print where they are."))
    var report = false

    @Flag(help: "Print only errors and the final line.")
    var quiet = false

    @Flag(help: "Print every phase as it starts and every metric of every iteration.")
    var verbose = false

    @OptionGroup var assetOptions: AssetOptions

    @OptionGroup var checkpointOptions: CheckpointOptions

    func run() throws {
        let started = monotonicSeconds()  // what --time-limit counts from
        // from the start: a stop during the setup (SIGUSR1 from mpirun or a launcher, Ctrl-C) must not kill the
        // process half-way through creating its run folder; it is taken at the first safe point (rank 0 of an MPI
        // run speaks once it trains)
        Interruption.install(quiet: true)
        guard MPICommunicator.isLaunchedByMPI else {
            return try run(communicator: SingleProcess.shared, started: started)
        }
        // one run over the ranks of mpirun: rank 0 writes the run folder, the others compute alongside it
        let ranks: MPICommunicator
        do {
            ranks = try MPICommunicator()
        } catch {
            // before MPI starts every rank fails alike: rank 0 (as mpirun numbers them) says why
            let environment = ProcessInfo.processInfo.environment
            if (environment["OMPI_COMM_WORLD_RANK"] ?? environment["PMIX_RANK"]).map({ $0 != "0" }) ?? false {
                throw ExitCode.failure
            }
            throw error
        }
        do {
            try run(communicator: ranks, started: started)
        } catch let code as ExitCode {
            ranks.finish()
            throw code
        } catch {
            // every rank computes the same, so most failures happen on all of them: rank 0 reports it and ends the
            // others; a failure on another rank alone (a file only it cannot read) ends all of them a moment later,
            // so that none waits forever. The signal mpirun sends when rank 0 ends the job cuts this wait short:
            // rank 0 has spoken, so this rank leaves without a second copy of the line.
            if ranks.rank != 0 {
                let signals = interruptionCount.load(ordering: .relaxed)
                sleep(3)
                if interruptionCount.load(ordering: .relaxed) > signals { Foundation.exit(1) }
            }
            ranks.abort("\(error)")
        }
        if ranks.rank == 0 && !quiet {
            let megabytes = { (bytes: Int) in String(format: "%.1f MB", Double(bytes) / 1e6) }
            FileHandle.standardError.write(
                Data(
                    ("\(ranks.size) ranks: \(ranks.collectives) collective operations, each rank sent "
                        + "\(megabytes(ranks.bytesSent)) and received \(megabytes(ranks.bytesReceived))\n").utf8))
        }
        ranks.finish()
    }

    /// What a run over `communicator`'s ranks splits, as rank 0 says it (changes nothing).
    static func splitSummary(
        _ trainer: any Trainer, config: TrainingConfig, over communicator: any Communicator
    )
        -> String
    {
        let ranks = "\(communicator.size) ranks: the real environments split by environment"
        switch config.algorithm {
        case .mbMPO:
            guard let mbmpo = trainer as? MBMPOTrainer else { break }
            let tasks = mbmpo.imagination.tasks
            let imagined: String
            if let ranges = mbmpo.imagination.imaginedTaskRanges(over: communicator) {
                let shared = ranges.indices.contains {
                    ranges[$0].count > communicator.ownedUnits(of: tasks, rank: $0).count
                }
                imagined =
                    shared
                    ? "by task (a rank imagines up to \(ranges.map(\.count).max()!) of the \(tasks) tasks: its own, "
                        + "and neighbours' whose rows share a prediction chunk with its own)"
                    : "by task"
            } else {
                imagined = "computed whole on every rank (this environment's resets do not allow the split)"
            }
            return "\(ranks), the model fit by member, the meta-objective by task, the imagined rollouts \(imagined)\n"
        case .meTRPO:
            return
                "\(ranks), the model fit by member; the imagined rollouts and policy steps computed whole on every rank\n"
        case .mbMPC: return "\(ranks), the model fit by member; the controller's plans computed whole on every rank\n"
        case .trpo, .ppo: break
        }
        return "\(ranks); the policy updates computed whole on every rank\n"
    }

    /// The run, as rank `communicator.rank` of `communicator.size` (0 of 1 without MPI), in a process that started
    /// at `started` (``monotonicSeconds()``).
    func run(communicator: any Communicator, started: Double) throws {
        try RankAgreement.check(communicator, host: ProcessInfo.processInfo.hostName)
        let resumed = try checkpointOptions.resume.map {
            try resumePoint($0, iterations: iterations, threads: threads, totalSteps: totalSteps)
        }
        let config = try resumed?.config ?? resolvedConfiguration()
        let setup = try TrainingSetup(config: config, assets: assetOptions.assets)
        let (model, trainer) = (setup.model, setup.trainer)
        trainer.context.communicator = communicator
        if communicator.size > 1 && communicator.rank == 0 && !quiet {
            FileHandle.standardError.write(Data(Self.splitSummary(trainer, config: config, over: communicator).utf8))
        }
        if let saved = resumed?.saved { try setup.restore(saved.checkpoint.state, from: saved.path) }
        let safePoint = SafePoint(communicator: communicator, timeLimit: timeLimit, started: started)
        if let resumed,
            !config.isFinished(completed: trainer.context.iteration, loggedTimesteps: trainer.context.loggedTimesteps)
        {
            try checkTimeLimit(before: resumed, safePoint: safePoint, config: config, rank: communicator.rank)
        }
        if communicator.rank != 0 { return try follow(trainer, config: config, safePoint: safePoint) }
        let folder =
            resumed?.folder ?? out
            ?? RunDirectory.unusedName("runs/\(config.environment)-\(config.algorithm.rawValue)-s\(config.seed)")
        if let resumed, resumed.saved == nil {
            let note =
                "note: \(resumed.folder) has no checkpoint yet (the run stopped in its first iteration); "
                + "starting again from iteration 0 with its config.json\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        if let resumed,
            config.isFinished(
                completed: trainer.context.iteration, loggedTimesteps: trainer.context.loggedTimesteps)
        {
            // nothing to do, so nothing is written (but the report, when asked for)
            print(
                "\(resumed.folder) is complete: \(trainer.context.iteration) iterations, "
                    + "\(trainer.context.loggedTimesteps) real steps (--iterations or --total-steps extend it)")
            if report {
                let run = try RunDirectory(path: folder, creating: false)
                for line in RunReport.write(run: run.url, assets: assetOptions.assets) { print(line) }
            }
            return
        }
        let run = try RunDirectory(path: folder, creating: resumed == nil)
        do {
            try train(trainer, config: config, model: model, run: run, resumed: resumed, safePoint: safePoint)
        } catch {
            // a new run that recorded no iteration leaves nothing behind (a resumed one keeps what it had)
            if resumed == nil && trainer.context.iteration == 0 { run.removeNewRun() }
            throw error
        }
        if report {
            for line in RunReport.write(run: run.url, assets: assetOptions.assets) { print(line) }
        }
    }

    /// Opens the run's files (a resumed run's are repaired to its checkpoint first), records the session in
    /// `run-info.json` and trains to the end, writing every iteration.
    func train(
        _ trainer: any Trainer, config: TrainingConfig, model: MuJoCoModel, run: RunDirectory, resumed: ResumePoint?,
        safePoint: SafePoint
    ) throws {
        run.removeLeftoverTemporaryFiles()
        // config.json comes first in a new folder, so that any folder holding a run can be resumed
        if resumed == nil { try run.writeConfiguration(config) }
        let writer = try RunWriter(
            run: run.url, config: config, spec: trainer.context.spec, model: model,
            keep: checkpointOptions.keepCheckpoints, resumed: resumed?.saved?.checkpoint)
        if resumed != nil { try run.writeConfiguration(config) }
        // what trained the checkpoint's last iteration, read before this process's own entry goes in
        let previous =
            resumed == nil || trainer.context.iteration == 0
            ? nil : RunInfo.trainingEntry(ofIteration: trainer.context.iteration - 1, in: run.url)
        // like the note on a folder without a checkpoint, whatever the verbosity (the run is no longer exact), and
        // before the header, whose status line a terminal redraws
        for note in previous.map({ RunInfo.resumeNotes(previous: $0, cpuFlags: CPUDescription.current.flags) }) ?? [] {
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
        let output = try TrainingOutput(
            config: config, folder: run.url,
            verbosity: quiet ? .quiet : verbose ? .verbose : .normal,
            completed: trainer.context.iteration,
            kernelHint: previous?["openblasKernels"].map { $0.lowercased() != BLAS.coreName.lowercased() } ?? true)
        try RunInfo.append(
            to: run.url, event: resumed == nil ? "start" : resumed?.saved == nil ? "restart" : "resume",
            fromIteration: trainer.context.iteration, threads: config.threads)
        while !config.isFinished(completed: trainer.context.iteration, loggedTimesteps: trainer.context.loggedTimesteps)
        {
            let result: IterationResult
            let completed = trainer.context.iteration
            let iterationStarted = monotonicSeconds()
            do {
                result = try trainer.runCheckedIteration { phase in output.phase(phase) }
            } catch let failure as TrainingFailure {
                throw StoppedRun(failure: failure, completed: completed, folder: run.url.path)
            }
            try writer.record(result, trainer: trainer, output: output)
            // safe point: this iteration's rows, trajectories and checkpoint are written; a Ctrl-C or the time limit
            // stops the run here (on every rank: they agree, whichever of them the signal reached)
            try output.stopIfRequested(
                folder: run.url, completed: trainer.context.iteration,
                finished: config.isFinished(
                    completed: trainer.context.iteration, loggedTimesteps: trainer.context.loggedTimesteps),
                stop: safePoint.reached(iterationStarted: iterationStarted))
        }
        output.done(folder: run.url)
    }

    /// Before a resumed, unfinished run writes anything, on every rank alike: refuses a time limit no longer than the
    /// run's last iteration (its `Time-Itr`: no process with that limit could add one), and stops the run (exit 75,
    /// rank 0 says why) when that iteration would not end within the limit now. Nothing to do without a time limit
    /// or a logged iteration.
    func checkTimeLimit(before resumed: ResumePoint, safePoint: SafePoint, config: TrainingConfig, rank: Int) throws {
        guard let timeLimit, let last = resumed.lastIterationSeconds else { return }
        if last >= timeLimit.seconds {
            throw ResumeError(
                description: "--time-limit \(StopRequest.text(timeLimit.seconds)) is no longer than the run's last "
                    + "iteration (\(StopRequest.text(last)) by its Time-Itr): no process with this limit can add one")
        }
        guard let opening = safePoint.opening(lastLogged: last), let code = opening.exitCode else { return }
        if rank == 0 {
            let message =
                "\(opening.reason): nothing started; \(resumed.folder) stands at iteration "
                + "\(resumed.saved?.checkpoint.state.iteration ?? 0) of \(config.plannedIterations). Continue with: "
                + "mbmpo train --resume \(resumed.folder)\n"
            FileHandle.standardError.write(Data(message.utf8))
        }
        throw ExitCode(code)
    }

    /// A rank other than 0: the same iterations, nothing written, the same safe points as rank 0.
    func follow(_ trainer: any Trainer, config: TrainingConfig, safePoint: SafePoint) throws {
        Interruption.install(quiet: true)
        defer { Interruption.uninstall() }
        while !config.isFinished(completed: trainer.context.iteration, loggedTimesteps: trainer.context.loggedTimesteps)
        {
            let iterationStarted = monotonicSeconds()
            _ = try trainer.runCheckedIteration { _ in }
            let finished = config.isFinished(
                completed: trainer.context.iteration, loggedTimesteps: trainer.context.loggedTimesteps)
            let stop = safePoint.reached(iterationStarted: iterationStarted)
            if let code = stop.exitCode, !finished { throw ExitCode(code) }
        }
    }

    /// Preset → --config file → --set overrides → explicit flags, validated (the same path as `config show`).
    func resolvedConfiguration() throws -> TrainingConfig {
        try ConfigurationInputs(
            environment: env?.rawValue, algorithm: algo?.rawValue, preset: preset, file: config, overrides: overrides,
            seed: seed, iterations: iterations, threads: threads, totalSteps: totalSteps
        ).resolve()
    }
}

/// A run stopped by a ``TrainingFailure``: the message adds what the run folder still holds.
struct StoppedRun: Error, CustomStringConvertible {
    let failure: TrainingFailure
    let completed: Int
    let folder: String

    var description: String {
        let kept =
            completed == 0
            ? "nothing was recorded (a new run folder is removed again)"
            : "\(folder) keeps the results and checkpoint of its \(completed) completed iteration(s)"
        return "\(failure); the run stopped, \(kept)"
    }
}
