import Foundation
import Learner
import Storage
import Testing

@testable import App

/// Every command that reads a checkpoint (export, replay, render, resume) checks it the way `train --resume` does:
/// shapes against its configuration, values finite, the configuration against its run folder's `config.json`.
@Suite struct CheckpointCheckTests {
    /// A tiny half-cheetah MB-MPO setup (its real model) and its state after one iteration.
    static func trainedState() throws -> (config: TrainingConfig, state: TrainingState) {
        var config = TrainingConfig.paper(.mbMPO, environment: "half-cheetah")
        (config.iterations, config.threads, config.seed) = (1, 1, 9)
        config.sampling.horizon = 10
        config.sampling.initialRandomSteps = 60
        config.sampling.imaginedRolloutsPerTask = 2
        config.meta.metaBatchSize = 4
        config.meta.stepsPerIteration = 1
        config.dynamics.members = 2
        config.dynamics.hiddenSizes = [8]
        config.dynamics.maxEpochs = 2
        config.policy.hiddenSizes = [4]
        let setup = try TrainingSetup(config: config, assets: nil)
        _ = try setup.trainer.runIteration { _ in }
        return (config, setup.trainer.captureState())
    }

    /// The one-line error `checkedCheckpoint` gives for `state` written as a checkpoint (nil: accepted).
    static func problem(_ state: TrainingState, runConfig: TrainingConfig? = nil) throws -> String? {
        let run = try TestFiles.temporaryFolder("checked")
        if let runConfig {
            try (ConfigurationFile.prettyJSON(runConfig) + "\n").write(
                to: run.appendingPathComponent("config.json"), atomically: false, encoding: .utf8)
        }
        let path = run.appendingPathComponent("iter-0001.h5").path
        try CheckpointFile.write(Checkpoint(state: state, progress: []), to: path)
        do {
            _ = try TrainingSetup.checkedCheckpoint(path, run: run, assets: nil)
            return nil
        } catch {
            return "\(error)".replacingOccurrences(of: path, with: "FILE")
        }
    }

    @Test("a sealed checkpoint with a short policy vector, a NaN, or another run's configuration is refused")
    func damagedButSealedCheckpointsAreRefused() throws {
        let (config, good) = try Self.trainedState()
        #expect(try Self.problem(good, runConfig: config) == nil)
        var short = good
        short.policyParameters = Array(short.policyParameters.prefix(10))
        #expect(try Self.problem(short) == "FILE: the saved policy parameter vector does not fit this configuration")
        var nan = good
        nan.policyParameters[0] = .nan
        #expect(
            try Self.problem(nan)
                == "FILE: the saved policy parameter vector holds a value that is not finite (entry 0)")
        var other = config
        other.sampling.horizon = 11
        #expect(
            try Self.problem(good, runConfig: other)?.hasPrefix("FILE: checkpoint of another configuration") == true)
        other = TrainingConfig.paper(.mbMPO, environment: "hopper")
        #expect(
            try Self.problem(good, runConfig: other)?.hasPrefix(
                "FILE: checkpoint of 'half-cheetah', but the run folder trains 'hopper'") == true)
        var absurd = good
        absurd.config.sampling.horizon = Int.max
        #expect(try Self.problem(absurd)?.contains("'sampling.horizon': must lie in 2…100000") == true)
    }
}
