import Foundation
import Learner
import Sim
import Testing

@testable import App

/// Configuration resolution: every bad key, type or range fails with the key path; nothing is ignored.
/// The Gymnasium settings (Learner, which knows no environment) against the tasks themselves (Sim): one entry per
/// v5 task, its episode length the task's own, its imagined paths no longer than that.
@Test func gymnasiumSettingsCoverEveryV5TaskWithItsHorizon() throws {
    #expect(Set(TrainingConfig.gymnasiumTasks.keys) == Set(EnvironmentID.gymnasiumTasks.map(\.rawValue)))
    for id in EnvironmentID.gymnasiumTasks {
        let task = try #require(TrainingConfig.gymnasiumTasks[id.rawValue])
        #expect(task.horizon == (try id.make()).spec.horizon, "\(id.rawValue)")
        #expect(task.imaginedHorizon <= task.horizon)
    }
}

@Suite struct ConfigurationTests {
    let base = TrainingConfig.paper(.mbMPO, environment: "half-cheetah")

    /// The one-line message of a rejected resolution, or nil if it resolved.
    func failure(file: String? = nil, _ overrides: [String] = []) -> String? {
        do {
            _ = try ConfigurationFile.resolve(base: base, fileText: file, fileName: "my.json", overrides: overrides)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        // unknown keys, top level and nested, in a file and in --set
        ("{\"iterationz\": 3}", "unknown key 'iterationz'"),
        ("{\"meta\": {\"trpo\": {\"maxkl\": 0.1}}}", "unknown key 'meta.trpo.maxkl'"),
        ("{\"dynamics\": {\"rolling_average_persitency\": 0.9}}", "unknown key 'dynamics.rolling_average_persitency'"),
        // wrong types
        ("{\"iterations\": \"3\"}", "'iterations' must be an integer, got \"3\""),
        ("{\"meta\": {\"trpo\": {\"cgIterations\": 2.5}}}", "'meta.trpo.cgIterations' must be an integer, got 2.5"),
        ("{\"sampling\": {\"evaluate\": 0}}", "'sampling.evaluate' must be a boolean, got 0"),
        ("{\"policy\": {\"hiddenSizes\": [32, \"x\"]}}", "'policy.hiddenSizes' must be a list of integers"),
        ("{\"advantages\": {\"baselineOrder\": \"fit\"}}", "'advantages.baselineOrder' must be one of fitThenPredict"),
        ("{\"meta\": 3}", "'meta' is a group of settings and needs a JSON object, got 3"),
        ("{\"seed\": -4}", "'seed' must be an integer ≥ 0, got -4"),
        ("[1, 2]", "my.json: the top level must be a JSON object"),
        ("{\"iterations\": }", "my.json: not valid JSON"),
        // strict JSON: what lenient parsers let through is refused with its place
        ("{\"iterations\": 3,}", "my.json: not valid JSON: line 1, column 18: trailing comma before '}'"),
        ("{\"policy\": {\"hiddenSizes\": [8, 8,]}}", "trailing comma before ']'"),
        ("{\"iterations\": 3, \"iterations\": 4}", "line 1, column 19: duplicate key \"iterations\""),
        ("{\"seed\": 1, \"se\\u0065d\": 1}", "duplicate key \"seed\""),
        ("{\"iterations\": 3} // three", "comments are not JSON"),
        ("{\"meta\": {\"innerStepSize\": NaN}}", "NaN and Infinity are not JSON numbers"),
        ("{\"iterations\": 03}", "leading zero"),
        ("\u{FEFF}{\"iterations\": 3}", "byte-order mark"),
        (String(repeating: "[", count: 10_000), "nested deeper than 256 levels"),
        // upper bounds: values that would overflow, allocate without end or never finish
        ("{\"sampling\": {\"horizon\": 9223372036854775807}}", "'sampling.horizon' must lie in 2…100000"),
        ("{\"dynamics\": {\"hiddenSizes\": [1000000000]}}", "'dynamics.hiddenSizes' needs 1 to 16 layer widths"),
        ("{\"dynamics\": {\"learningRate\": 1e308}}", "'dynamics.learningRate' must lie in (0, 1], got 1e+308"),
        ("{\"policy\": {\"initialLogStd\": 100}}", "'policy.initialLogStd' must lie in [policy.minLogStd"),
        // σ below e^-20 overflows the inner step's gradient (σ⁻²) to infinity
        ("{\"policy\": {\"minLogStd\": -45, \"initialLogStd\": -45}}", "'policy.minLogStd' must lie in [-20"),
        ("{\"dynamics\": {\"bufferCapacity\": 1}}", "'dynamics.bufferCapacity' must lie in 2…1000000000, got 1"),
        ("{\"sampling\": {\"imaginedSteps\": 9223372036854775807}}", "'sampling.imaginedSteps' must lie in 0…"),
        ("{\"physicsTimestep\": 1e-320}", "'physicsTimestep' must lie in [0.00001, 0.1] seconds or be null"),
        // out of range, after merging
        ("{\"dynamics\": {\"validationFraction\": 1.5}}", "'dynamics.validationFraction' must lie in (0, 1), got 1.5"),
        ("{\"meta\": {\"trpo\": {\"maxBacktracks\": 0}}}", "'meta.trpo.maxBacktracks' must lie in 1…1000, got 0"),
        (
            "{\"sampling\": {\"clipObservations\": -1}}",
            "'sampling.clipObservations' must lie in (0, 1e30] or be null, got -1"
        ),
    ])
    func fileProblemsNameTheKey(file: String, expected: String) {
        let message = failure(file: file)
        #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
        #expect(message?.contains("\n") == false)
    }

    @Test(arguments: [
        ("meta.trpo.maxkl=0.1", "unknown key 'meta.trpo.maxkl' in 'meta.trpo'"),
        ("Iterations=3", "unknown key 'Iterations'"),
        ("meta..trpo.maxKL=1", "empty key"),
        ("iterations", "expected key.path=value"),
        ("iterations=abc", "'iterations' must be an integer, got \"abc\""),
        ("dynamics.learningRate=fast", "'dynamics.learningRate' must be a number, got \"fast\""),
        ("algorithm=sac", "'algorithm' must be one of mb-mpo, me-trpo, mb-mpc, trpo, ppo, got \"sac\""),
        ("dynamics.members=3", "'meta.metaBatchSize' must be a multiple of dynamics.members (3)"),
        ("mpc.discount=0", "'mpc.discount' must lie in (0, 1], got 0"),
        ("threads=0", "'threads' must lie in 1…256, got 0"),
        ("physicsTimestep=0", "'physicsTimestep' must lie in [0.00001, 0.1] seconds or be null, got 0"),
        ("physicsTimestep=fast", "'physicsTimestep' must be a number or null, got \"fast\""),
        ("frameSkip=0", "'frameSkip' must lie in 1…1000 or be null, got 0"),
        ("frameSkip=2.5", "'frameSkip' must be an integer or null, got 2.5"),
        (
            "policy.hiddenSizes=[8,8,]",
            "--set policy.hiddenSizes: not valid JSON at column 6: trailing comma before ']'"
        ),
        ("meta.metaBatchSize=1000000000", "'meta.metaBatchSize' must lie in 1…10000, got 1000000000"),
        ("mpc.planningHorizon=9223372036854775807", "'mpc.planningHorizon' must lie in 1…10000"),
        (
            "dynamics.matrixPrecision=bf16",
            "'dynamics.matrixPrecision' must be one of float32, bfloat16, got \"bf16\""
        ),
    ])
    func overrideProblemsNameTheKey(override: String, expected: String) {
        let message = failure([override])
        #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
    }

    /// A one-letter typo in any key, at any depth, in a file or in --set, is rejected (never ignored).
    @Test func everyMisspelledKeyIsRejected() {
        #expect(ConfigurationSchema.fields.count >= 40)
        for field in ConfigurationSchema.fields {
            var typo = field.path
            typo[typo.count - 1] += "s"
            let dotted = typo.joined(separator: ".")
            #expect(failure(["\(dotted)=1"])?.contains("unknown key '\(dotted)'") == true, "\(dotted)")
            var object = "{\"\(typo[typo.count - 1])\": 1}"
            for key in typo.dropLast().reversed() { object = "{\"\(key)\": \(object)}" }
            #expect(failure(file: object)?.contains("unknown key '\(dotted)'") == true, "\(object)")
        }
    }

    /// Every field accepts its own default through --set and the result equals the preset: nothing is lost.
    @Test func everyFieldRoundTripsThroughSet() throws {
        let tree = try ConfigurationFile.tree(of: base)
        for field in ConfigurationSchema.fields {
            let value = try #require(ConfigurationReference.value(at: field.path[...], in: tree))
            let resolved = try ConfigurationFile.resolve(
                base: base, fileText: nil,
                overrides: ["\(field.keyPath)=\(value.compactText)"])
            #expect(resolved == base, "\(field.keyPath)")
        }
    }

    /// The printed JSON of every preset, fed back as a file, gives the same configuration.
    @Test(arguments: Algorithm.allCases) func printedJSONResolvesToItself(algorithm: Algorithm) throws {
        for preset in TrainingPreset.allCases {
            guard let config = try? preset.configuration(algorithm: algorithm, environment: "hopper") else {
                // the experiment presets hold settings for some algorithms only: the others are a one-line error
                #expect(preset == .badModels || preset == .hyperparameterStudy)
                #expect(algorithm != .mbMPO)
                continue
            }
            let json = try ConfigurationFile.prettyJSON(config)
            #expect(try ConfigurationFile.resolve(base: base, fileText: json, overrides: []) == config)
        }
    }

    /// The experiment presets: the original code's bad-models settings for MB-MPO and ME-TRPO, its hyperparameter
    /// studies' for MB-MPO, one-line errors for the rest; both keep the paper's settings where they do not differ.
    @Test func experimentPresets() throws {
        let bad = try TrainingPreset.badModels.configuration(algorithm: .mbMPO, environment: "half-cheetah")
        #expect(bad.iterations == 40 && bad.sampling.horizon == 100 && bad.meta.innerStepSize == 0.01)
        #expect(bad.sampling.realRolloutsPerTask == 2 && bad.sampling.imaginedRolloutsPerTask == 30)
        #expect(!bad.dynamics.weightNormalization && bad.dynamics.maxEpochs == 1_000)
        #expect(bad.realStepsPerIteration == 4_000 && bad.dynamics.imperfection == ModelImperfection())
        #expect(bad.meta.stepsPerIteration == 30 && bad.dynamics.members == 5)
        let badME = try TrainingPreset.badModels.configuration(algorithm: .meTRPO, environment: "half-cheetah")
        #expect(badME.sampling.imaginedSteps == 100_000 && badME.realStepsPerIteration == 4_000)
        #expect(badME.meta.stepsPerIteration == 30 && !badME.dynamics.weightNormalization)
        let study = try TrainingPreset.hyperparameterStudy.configuration(algorithm: .mbMPO, environment: "half-cheetah")
        #expect(study.iterations == 50 && study.meta.metaBatchSize == 10 && study.realStepsPerIteration == 4_000)
        #expect(study.sampling.initialRandomSteps == 4_000 && study.meta.innerStepSize == 0.001)
        var rest = study
        (rest.iterations, rest.meta.metaBatchSize, rest.sampling.realRolloutsPerTask) = (100, 20, 1)
        rest.sampling.initialRandomSteps = 5_000
        #expect(rest == TrainingConfig.paper(.mbMPO, environment: "half-cheetah"))
        for (preset, algorithm) in [(TrainingPreset.badModels, Algorithm.trpo), (.hyperparameterStudy, .meTRPO)] {
            #expect(throws: ConfigurationFile.Problem.self) {
                try preset.configuration(algorithm: algorithm, environment: "half-cheetah")
            }
        }
        var inputs = ConfigurationInputs(algorithm: "ppo", preset: .badModels)
        inputs.threads = 1
        let error = #expect(throws: ConfigurationFile.Problem.self) { try inputs.resolve() }
        #expect(error?.message == "the bad-models preset is for mb-mpo and me-trpo only, not ppo")
    }

    /// ME-TRPO has no observation clip: the key is still shown (null) and can be set.
    @Test func optionalFieldsAreShownAndSettable() throws {
        let meTRPO = TrainingConfig.paper(.meTRPO, environment: "ant")
        #expect(meTRPO.sampling.clipObservations == nil)
        #expect(try ConfigurationFile.prettyJSON(meTRPO).contains("\"clipObservations\" : null"))
        let set = try ConfigurationFile.resolve(
            base: meTRPO, fileText: nil,
            overrides: ["sampling.clipObservations=50"])
        #expect(set.sampling.clipObservations == 50)
        let cleared = try ConfigurationFile.resolve(
            base: base, fileText: "{\"sampling\": {\"clipObservations\": null}}",
            overrides: [])
        #expect(cleared.sampling.clipObservations == nil)
    }

    /// The simulation timing overrides are shown as null by default, settable, and absent from configurations
    /// written before they existed (which then decode to the task's own timing).
    @Test func timingOverrides() throws {
        let json = try ConfigurationFile.prettyJSON(base)
        #expect(json.contains("\"physicsTimestep\" : null") && json.contains("\"frameSkip\" : null"))
        let set = try ConfigurationFile.resolve(
            base: base, fileText: nil,
            overrides: ["physicsTimestep=0.004", "frameSkip=5"])
        #expect(set.physicsTimestep == 0.004 && set.frameSkip == 5)
        var tree = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(set)) as? [String: Any])
        tree["physicsTimestep"] = nil
        tree["frameSkip"] = nil
        let old = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        #expect(old.physicsTimestep == nil && old.frameSkip == nil && old == base)
        #expect(ProgressDisplay.timingNote(set) == " (timestep 0.004 s, frame skip 5)")
        #expect(ProgressDisplay.timingNote(base) == "")
    }

    /// The model product precision is float32 unless set, and configurations written before the key existed (run
    /// folders, checkpoints) read as float32, so that they resume exactly.
    @Test func modelMatrixPrecision() throws {
        #expect(base.dynamics.matrixPrecision == .float32)
        let json = try ConfigurationFile.prettyJSON(base)
        #expect(json.contains("\"matrixPrecision\" : \"float32\"") && !json.contains("productPrecision"))
        var tree = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as? [String: Any])
        var dynamics = try #require(tree["dynamics"] as? [String: Any])
        dynamics["matrixPrecision"] = nil
        tree["dynamics"] = dynamics
        let old = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        #expect(old == base)
        // the key's former name (until 2026-12) keeps its value
        dynamics["productPrecision"] = "bfloat16"
        tree["dynamics"] = dynamics
        let renamed = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        #expect(renamed.dynamics.matrixPrecision == .bfloat16)
        dynamics["productPrecision"] = nil
        dynamics["weightNormalization"] = nil  // every other key stays required
        tree["dynamics"] = dynamics
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        }
        if MatrixPrecision.isBFloat16Supported {
            let set = try ConfigurationFile.resolve(
                base: base, fileText: nil,
                overrides: ["dynamics.matrixPrecision=bfloat16"])
            #expect(set.dynamics.matrixPrecision == .bfloat16)
        } else {
            #expect(failure(["dynamics.matrixPrecision=bfloat16"])?.contains("needs a CPU with AVX512-BF16") == true)
        }
    }

    /// The two precision settings' former name (`productPrecision`, until 2026-12) still works in files and
    /// `--set`, for the setting it named; both names at once are refused.
    @Test func formerKeyNames() throws {
        let set = try ConfigurationFile.resolve(
            base: base, fileText: nil, overrides: ["meta.trpo.productPrecision=float64"])
        #expect(set.meta.trpo.curvaturePrecision == .float64 && set.dynamics.matrixPrecision == .float32)
        let file = try ConfigurationFile.resolve(
            base: base, fileText: "{\"meta\": {\"trpo\": {\"productPrecision\": \"float64\"}}}", overrides: [])
        #expect(file.meta.trpo.curvaturePrecision == .float64)
        #expect(
            failure(["dynamics.productPrecision=bf16"])
                == "--set dynamics.productPrecision: 'dynamics.matrixPrecision' must be one of float32, bfloat16, "
                + "got \"bf16\"")
        #expect(
            failure(
                file: "{\"meta\": {\"trpo\": {\"productPrecision\": \"float64\", \"curvaturePrecision\": \"float32\"}}}"
            )
                == "my.json: 'meta.trpo.productPrecision' is the former name of 'meta.trpo.curvaturePrecision'; "
                + "give only one of them")
    }

    /// Hopper and walker2d train at the original repository's final 0.004 s × 5 unless the submission preset is
    /// asked for; the other tasks have one timing; a configuration written with the model files' timing (nulls, as
    /// every hopper run before this default) keeps it when read back, so such runs resume as they ran.
    @Test func hopperAndWalkerDefaultToTheFinalTiming() throws {
        for environment in ["hopper", "walker2d"] {
            for algorithm in Algorithm.allCases {
                let paper = try TrainingPreset.paper.configuration(algorithm: algorithm, environment: environment)
                #expect(paper.physicsTimestep == 0.004 && paper.frameSkip == 5)
                let quick = try TrainingPreset.quick.configuration(algorithm: algorithm, environment: environment)
                #expect(quick.physicsTimestep == 0.004 && quick.frameSkip == 5)
                var submission = try TrainingPreset.submission.configuration(
                    algorithm: algorithm, environment: environment)
                #expect(submission.physicsTimestep == nil && submission.frameSkip == nil)
                (submission.physicsTimestep, submission.frameSkip) = (0.004, 5)
                #expect(submission == paper)
            }
            let old = try ConfigurationFile.resolve(
                base: .paper(.mbMPO, environment: environment),
                fileText: "{\"physicsTimestep\": null, \"frameSkip\": null}", overrides: [])
            #expect(old.physicsTimestep == nil && old.frameSkip == nil)
            let written = try JSONDecoder().decode(
                TrainingConfig.self,
                from: JSONEncoder().encode(TrainingConfig.submission(.mbMPO, environment: environment)))
            #expect(written.physicsTimestep == nil && written.frameSkip == nil)
        }
        for environment in ["half-cheetah", "ant", "swimmer", "pr2"] {
            #expect(
                TrainingConfig.paper(.mbMPO, environment: environment)
                    == TrainingConfig.submission(.mbMPO, environment: environment))
            #expect(TrainingConfig.paper(.mbMPO, environment: environment).physicsTimestep == nil)
        }
    }

    /// Configurations written before the `ppo` group existed (every run folder and checkpoint of an earlier version)
    /// read with ppo2's settings, and so resume; every other group stays required.
    @Test func configurationsWithoutThePPOGroupStillRead() throws {
        var tree = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as? [String: Any])
        tree["ppo"] = nil
        let old = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        #expect(old == base && old.ppo == PPOConfig())
        tree["mpc"] = nil
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: tree))
        }
    }

    /// Precedence: preset, then file, then --set, then the explicit flags.
    @Test func precedence() throws {
        let folder = try TestFiles.temporaryFolder("precedence")
        let file = folder.appendingPathComponent("c.json")
        try "{\"iterations\": 7, \"seed\": 5, \"meta\": {\"innerStepSize\": 0.01}}".write(
            to: file, atomically: true, encoding: .utf8)
        let resolved = try ConfigurationInputs(
            environment: "swimmer", algorithm: nil, preset: .quick, file: file.path,
            overrides: ["iterations=9", "seed=6"], seed: 8, iterations: nil,
            threads: nil
        ).resolve()
        #expect(resolved.environment == "swimmer")
        #expect(resolved.iterations == 9)
        #expect(resolved.seed == 8)
        #expect(resolved.meta.innerStepSize == 0.01)
        #expect(
            resolved.meta.stepsPerIteration
                == TrainingConfig.quick(.mbMPO, environment: "swimmer")
                .meta.stepsPerIteration)
        #expect(throws: (any Error).self) {
            try ConfigurationInputs(environment: "cheetah").resolve()
        }
    }

    @Test func everyFieldIsDocumented() {
        for field in ConfigurationSchema.fields {
            #expect(field.doc.count >= 10, "\(field.keyPath) has no documentation")
        }
    }
}
