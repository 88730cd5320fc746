import ArgumentParser
import Foundation
import Learner

extension CurvaturePrecision: ExpressibleByArgument {}
extension MatrixPrecision: ExpressibleByArgument {}

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

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Precisions of the Hessian products to time side by side (float64, float32).")
    var precision: [CurvaturePrecision] = [.float64, .float32]

    func validate() throws {
        guard threads.allSatisfy({ $0 > 0 }), repeats > 0, tasks > 0, samples > 0, blockRows > 0, !precision.isEmpty
        else {
            throw ValidationError("threads, repeats, tasks, samples and block rows must be positive")
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
        print(
            "threads | products | inner step | setup | gradient | CG (per product) | line search | meta-step | "
                + "backtracks, KL | step vs first precision")
        for count in threads {
            var first: MetaBenchmark.Result?
            for precision in self.precision {
                config.trpo.curvaturePrecision = precision
                let r = MetaBenchmark.run(config, threads: count)
                let ms = { (s: Double) in String(format: "%.1f ms", s * 1000) }
                let comparison =
                    first.map { reference -> String in
                        String(
                            format: "time ×%.2f, ‖Δθ‖/‖step‖ %.1e", r.metaStep / reference.metaStep,
                            Self.stepDifference(r, reference))
                    } ?? "–"
                let outcome = "\(r.backtracks), \(String(format: "%.4f", r.kl))\(r.accepted ? "" : " rejected")"
                print(
                    "\(count) | \(precision.rawValue) | \(ms(r.innerStep)) | \(ms(r.setup)) | "
                        + "\(ms(r.timing.gradient)) | \(ms(r.timing.conjugateGradient)) (\(r.cgIterations) × "
                        + "\(ms(r.product))) | \(ms(r.timing.lineSearch)) | \(ms(r.metaStep)) | \(outcome) | \(comparison)"
                )
                first = first ?? r
            }
        }
    }

    /// ‖θ_a − θ_b‖ / ‖θ_b − θ_before‖ after the two timed steps from the same θ.
    static func stepDifference(_ a: MetaBenchmark.Result, _ b: MetaBenchmark.Result) -> Double {
        var difference = 0.0, step = 0.0
        for k in 0..<b.parametersAfter.count {
            let d = a.parametersAfter[k] - b.parametersAfter[k], s = b.parametersAfter[k] - b.parametersBefore[k]
            difference += d * d
            step += s * s
        }
        return (difference / max(step, .leastNonzeroMagnitude)).squareRoot()
    }
}
