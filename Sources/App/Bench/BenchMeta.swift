import ArgumentParser
import Foundation
import Learner

/// `mbmpo bench meta`: times the inner step and the second-order TRPO meta-step at the paper's sizes.
struct BenchMeta: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Time one inner step and one MB-MPO meta-step (20 tasks × 10 000 + 10 000 samples, 17 → 6).")

    @Option(name: .long, parsing: .upToNextOption, help: "Worker thread counts to time.")
    var threads: [Int] = [1, 2]

    @Option(name: .long, help: "Timed repetitions per thread count; the fastest is reported.")
    var repeats: Int = 3

    @Option(name: .long, help: "Meta-batch size (tasks).")
    var tasks: Int = 20

    @Option(name: .long, help: "Pre-update and post-update samples per task.")
    var samples: Int = 10_000

    @Option(name: .long, help: "Rows per block in the policy network passes.")
    var blockRows: Int = 512

    func validate() throws {
        guard threads.allSatisfy({ $0 > 0 }), repeats > 0, tasks > 0, samples > 0, blockRows > 0 else {
            throw ValidationError("threads, repeats, tasks and samples must be positive")
        }
    }

    func run() throws {
        var config = MetaBenchmark.Configuration()
        config.repeats = repeats
        config.tasks = tasks
        config.preSamples = samples
        config.postSamples = samples
        config.blockRows = blockRows
        print("meta-step: \(tasks) tasks × (\(samples) pre + \(samples) post) samples, policy 17 → 32 → 32 → 6")
        print("threads | inner step | setup | gradient | CG (per product) | line search | meta-step | backtracks, KL")
        for count in threads {
            let r = MetaBenchmark.run(config, threads: count)
            let ms = { (s: Double) in String(format: "%.1f ms", s * 1000) }
            print("\(count) | \(ms(r.innerStep)) | \(ms(r.setup)) | \(ms(r.timing.gradient)) | "
                + "\(ms(r.timing.conjugateGradient)) (\(r.cgIterations) × \(ms(r.product))) | \(ms(r.timing.lineSearch)) | "
                + "\(ms(r.metaStep)) | \(r.backtracks), \(String(format: "%.4f", r.kl))\(r.accepted ? "" : " rejected")")
        }
    }
}
