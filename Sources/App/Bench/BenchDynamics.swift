import ArgumentParser
import Learner

/// `mbmpo bench dynamics`: throughput of the dynamics ensemble (imagined steps and training) against the sgemm ceiling.
struct BenchDynamics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynamics",
        abstract: "Time the dynamics ensemble (half-cheetah shapes) on 1 and 2 workers against its sgemm ceiling.")

    @Option(name: .long, parsing: .upToNextOption, help: "Worker counts to measure.")
    var threads: [Int] = [1, 2]

    @Option(name: .long, help: "Rows per imagined step.")
    var rows: Int = 1000

    @Option(name: .long, help: "Imagined steps per timing.")
    var steps: Int = 50

    @Option(name: .long, help: "Training samples (80 % of them are trained on per epoch).")
    var samples: Int = 10_000

    @Option(name: .long, help: "Training epochs per timing.")
    var epochs: Int = 2

    @Option(name: .long, help: "Timings per measurement; the fastest is reported.")
    var repeats: Int = 3

    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Matrix precisions to measure, side by side (float32, bfloat16; default: both where supported).")
    var precision: [MatrixPrecision] = MatrixPrecision.allCases.filter(\.isSupported)

    func validate() throws {
        guard threads.allSatisfy({ $0 >= 1 }), rows >= 5, rows % 5 == 0, steps >= 1, samples >= 10, epochs >= 1 else {
            throw ValidationError("threads ≥ 1, rows a positive multiple of 5, steps, samples ≥ 10 and epochs ≥ 1")
        }
        if let missing = precision.first(where: { !$0.isSupported }) {
            throw ValidationError("--precision \(missing.rawValue) needs a CPU with AVX512-BF16; this one has none")
        }
    }

    func run() throws {
        print("OpenBLAS kernels: \(BLAS.coreName) (choose with OPENBLAS_CORETYPE, e.g. SkylakeX)")
        print("dynamics ensemble: 5 members × (512, 512) ReLU, weight-normalized, obs 17, act 6, batch 500")
        print("ceilings: the float32 sgemm calls of the same work; bfloat16 runs its large products past them")
        for t in threads {
            for p in precision {
                let report = DynamicsBenchmark.run(
                    threads: t, config: DynamicsConfig(matrixPrecision: p), rows: rows,
                    steps: steps, trainingSamples: samples, epochs: epochs,
                    repeats: repeats)
                print("\(p.rawValue), \(report)")
            }
        }
    }
}
