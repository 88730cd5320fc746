import Core

/// Throughput of the dynamics ensemble at a given worker count, against the bare sgemm calls it needs.
///
/// (a) imagined steps: `rows` rows through K members with ``DynamicsEnsemble/Propagation/blocks``, in place,
/// through one ``EnsembleWorkspace``; (b) training: Adam epochs (forward + backward + update, no validation) of all K
/// members over `trainingSamples` rows at the configured batch size; (c) the time of exactly the sgemm calls of (a)
/// and (b), run with the same work split, as the ceiling.
package enum DynamicsBenchmark {
    /// Measured rates and ceilings.
    package struct Report: Sendable, CustomStringConvertible {
        /// Workers (each with single-threaded OpenBLAS).
        package var threads: Int
        /// Rows per imagined step.
        package var rows: Int
        /// Model steps (rows) per second through the ensemble.
        package var imaginedStepsPerSecond: Double
        /// Seconds per batch of `rows` rows: measured, and the bare sgemm ceiling.
        package var forwardSeconds: Double, forwardCeilingSeconds: Double
        /// Training samples × epochs per second (each sample visited by every member).
        package var trainingSamplesPerSecond: Double
        /// Seconds per training epoch of all members: measured, and the bare sgemm ceiling.
        package var epochSeconds: Double, epochCeilingSeconds: Double

        /// Ceiling time / measured time of the forward pass (1 = all time in sgemm).
        package var forwardRatio: Double { forwardCeilingSeconds / forwardSeconds }
        /// Ceiling time / measured time of a training epoch.
        package var trainingRatio: Double { epochCeilingSeconds / epochSeconds }

        /// One line per measurement.
        package var description: String {
            """
            threads \(threads):
              imagined step (\(rows) rows, blocks): \(rounded(imaginedStepsPerSecond, 0)) model steps/s, \
            \(rounded(forwardSeconds * 1e3, 3)) ms/step, sgemm ceiling \(rounded(forwardCeilingSeconds * 1e3, 3)) ms \
            → \(rounded(100 * forwardRatio, 1)) % of ceiling
              training: \(rounded(trainingSamplesPerSecond, 0)) samples·epochs/s, \(rounded(epochSeconds * 1e3, 1)) \
            ms/epoch, sgemm ceiling \(rounded(epochCeilingSeconds * 1e3, 1)) ms → \(rounded(100 * trainingRatio, 1)) % \
            of ceiling
            """
        }
    }

    /// Runs (a), (b) and (c) for half-cheetah shapes by default (17 obs, 6 act, 5 × (512, 512)); best of `repeats`.
    package static func run(
        threads: Int, observationSize: Int = 17, actionSize: Int = 6,
        config: DynamicsConfig = DynamicsConfig(), rows: Int = 1000, steps: Int = 50,
        trainingSamples: Int = 10_000, epochs: Int = 2, repeats: Int = 3
    ) -> Report {
        var rng = SplitMix64(seed: 2018)
        let ensemble = DynamicsEnsemble(
            config: config, observationSize: observationSize, actionSize: actionSize,
            using: &rng, threads: threads)
        // data from a fixed random nonlinear map, so normalization and losses are realistic
        var dataRNG = SplitMix64(seed: 1)
        let n = trainingSamples
        let o = (0..<(n * observationSize)).map { _ in dataRNG.nextGaussian() }
        let a = (0..<(n * actionSize)).map { _ in dataRNG.nextUniform(-1, 1) }
        let next = o.indices.map { i in o[i] + 0.1 * _tanhForBenchmark(o[i] + a[(i / observationSize) * actionSize]) }
        ensemble.add(observations: o, actions: a, nextObservations: next)
        ensemble.prepareFitData()
        // (a) imagined steps through the preallocated path
        let workspace = EnsembleWorkspace<Float>(ensemble: ensemble, capacity: rows)
        var state = (0..<(rows * observationSize)).map { _ in Float(dataRNG.nextGaussian()) }
        let actions = (0..<(rows * actionSize)).map { _ in Float(dataRNG.nextUniform(-1, 1)) }
        let forward =
            best(of: repeats) {
                actions.withUnsafeBufferPointer { ab in
                    state.withUnsafeMutableBufferPointer { sb in
                        guard let s = sb.baseAddress, let a = ab.baseAddress else { return }
                        for _ in 0..<steps {
                            ensemble.predictBlocks(
                                observations: UnsafePointer(s), actions: a, rows: rows, into: s,
                                workspace: workspace)
                        }
                    }
                }
            } / Double(steps)
        let forwardCeiling = GEMMCeiling.forward(
            ensemble: ensemble, workspace: workspace, rows: rows,
            steps: steps, repeats: repeats)
        // (b) training epochs of every member
        let trainCount = n - n / 5
        let batches = (trainCount + config.batchSize - 1) / config.batchSize
        for member in ensemble.members { member.drawSplit(rows: n, using: &ensemble.rng) }
        let epoch =
            best(of: repeats) {
                for _ in 0..<epochs { trainAllMembers(ensemble, trainCount: trainCount, batches: batches) }
            } / Double(epochs)
        let epochCeiling = GEMMCeiling.training(ensemble: ensemble, trainCount: trainCount, repeats: repeats)
        return Report(
            threads: threads, rows: rows, imaginedStepsPerSecond: Double(rows) / forward,
            forwardSeconds: forward, forwardCeilingSeconds: forwardCeiling,
            trainingSamplesPerSecond: Double(trainCount) / epoch, epochSeconds: epoch,
            epochCeilingSeconds: epochCeiling)
    }

    /// One training epoch (no validation) of every member.
    static func trainAllMembers(_ ensemble: DynamicsEnsemble, trainCount: Int, batches: Int) {
        for member in ensemble.members { member.drawBatchOrder(batches: batches, using: &ensemble.rng) }
        ensemble.trainEpoch(ensemble.members, trainCount: trainCount)
    }

    /// The shortest of `repeats` timings of `body`, in seconds.
    static func best(of repeats: Int, _ body: () -> Void) -> Double {
        body()  // warm-up
        var fastest = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = ContinuousClock.now
            body()
            let d = ContinuousClock.now - start
            fastest = min(fastest, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        return fastest
    }

    /// `x` rounded to `digits` decimals, as text.
    static func rounded(_ x: Double, _ digits: Int) -> String {
        guard digits > 0 else { return String(Int(x.rounded())) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let whole = Int((x * scale).rounded())
        let integer = String(whole / Int(scale)), fraction = String(abs(whole) % Int(scale))
        return integer + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
