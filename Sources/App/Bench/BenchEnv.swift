import ArgumentParser
import Core
import Dispatch
import Sim

/// `mbmpo bench env`: env steps/s against the raw `mj_step` ceiling of the same model.
struct BenchEnv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Env steps/s on 1 and 2 threads beside the raw mj_step ceiling (mj_step/s ÷ frame skip).")

    @Option(help: "Only this environment (default: all).", completion: .environments, transform: EnvironmentID.argument)
    var env: EnvironmentID?

    @Option(help: "Seconds of simulation work per measurement.")
    var seconds: Double = 1.0

    @Option(help: "Environments in the vectorized sampler.")
    var envs: Int = 16

    @OptionGroup var assetOptions: AssetOptions

    func run() throws {
        let ids = env.map { [$0] } ?? EnvironmentID.allCases
        print(
            pad("env", 14) + pad("threads", 8) + pad("ceiling/s", 12) + pad("single/s", 12)
                + pad("sampler/s", 12) + pad("single/ceil", 12) + "sampler/ceil")
        for id in ids {
            let model = try id.loadModel(assets: assetOptions.assets)
            for threads in [1, 2] {
                let ceiling = try rawCeiling(id: id, model: model, threads: threads)
                let single = try singleLoop(id: id, model: model, threads: threads)
                let sampler = try samplerRate(id: id, model: model, threads: threads)
                print(
                    pad(id.rawValue, 14) + pad("\(threads)", 8) + pad(format(ceiling, decimals: 0), 12)
                        + pad(format(single, decimals: 0), 12) + pad(format(sampler, decimals: 0), 12)
                        + pad(format(single / ceiling, decimals: 3), 12) + format(sampler / ceiling, decimals: 3))
            }
        }
    }

    /// Bare mj_step calls with random controls, one mjData per thread, converted to env steps (÷ frame skip).
    func rawCeiling(id: EnvironmentID, model: MuJoCoModel, threads: Int) throws -> Double {
        let frameSkip = try id.make(model: model).simulation.frameSkip
        let sims = try (0..<threads).map { _ in try Simulation(model: model, frameSkip: 1) }
        let steps = calibrate { n in _ = sims[0].randomRawSteps(n, seed: 1) }
        let elapsed = timed {
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                _ = sims[t].randomRawSteps(steps, seed: UInt64(t + 1))
            }
        }
        return Double(steps * threads) / elapsed / Double(frameSkip)
    }

    /// Each thread steps its own environment through `step(_:)` with random actions, resetting at the horizon.
    func singleLoop(id: EnvironmentID, model: MuJoCoModel, threads: Int) throws -> Double {
        let environments = try (0..<threads).map { _ in try id.make(model: model) }
        let run: (Int, Int) -> Void = { t, steps in
            var rng = SplitMix64(seed: UInt64(t))
            let env = environments[t]
            _ = env.reset(using: &rng)
            var action = [Double](repeating: 0, count: env.spec.actionSize)
            var length = 0
            for _ in 0..<steps {
                for i in 0..<action.count { action[i] = rng.nextUniform(-1, 1) }
                let result = try? env.step(action)
                length += 1
                if length == env.spec.horizon || result?.end != .running {
                    _ = env.reset(using: &rng)
                    length = 0
                }
            }
        }
        let steps = calibrate { n in run(0, n) }
        let elapsed = timed { DispatchQueue.concurrentPerform(iterations: threads) { t in run(t, steps) } }
        return Double(steps * threads) / elapsed
    }

    /// The vectorized sampler with a uniform random policy, recording full trajectories; counts every step taken
    /// (also those of episodes still running when a batch stops).
    func samplerRate(id: EnvironmentID, model: MuJoCoModel, threads: Int) throws -> Double {
        let sampler = try VectorSampler(id: id, model: model, count: envs, seed: 1, threads: threads)
        var rng = SplitMix64(seed: 2)
        let horizon = sampler.spec.horizon
        var total = 0
        let elapsed = try timed {
            var target = 0
            while target == 0 || total < target {
                _ = try withUnsafeMutablePointer(to: &rng) { pointer in
                    try sampler.sample(
                        horizon: horizon, stop: .completedSteps(envs * horizon),
                        policy: uniformRandomPolicy(using: pointer))
                }
                total += sampler.stepsTaken
                if target == 0 { target = total * max(1, Int(seconds * 20_000 * Double(threads)) / max(total, 1)) }
            }
        }
        return Double(total) / elapsed
    }

    /// Finds a step count that takes about `seconds` on one thread.
    func calibrate(_ work: (Int) -> Void) -> Int {
        var n = 1_000
        while true {
            let t = timed { work(n) }
            if t > 0.1 { return max(n, Int(Double(n) * seconds / t)) }
            n *= 4
        }
    }
}

/// Wall-clock seconds of `body`.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
