import Core

/// The bare sgemm calls of the ensemble's forward pass and training epoch, with the same shapes and work split,
/// timed without anything else (the ceiling the benchmark compares against).
enum GEMMCeiling {
    /// Seconds per predictBlocks call spent in its three products per work unit (units as left in `workspace`).
    static func forward(
        ensemble: DynamicsEnsemble, workspace ws: EnsembleWorkspace<Float>, rows: Int, steps: Int,
        repeats: Int
    ) -> Double {
        let layers = ensemble.members[0].network.layers
        return DynamicsBenchmark.best(of: repeats) {
            for _ in 0..<steps {
                WorkerPool.shared.runSingleThreadedBLAS(
                    units: ws.unitCount, threads: min(ensemble.threads, ws.workers.count)
                ) { unit, w in
                    let member = ensemble.members[Int(ws.unitMember[unit])], worker = ws.workers[w]
                    let count = Int(ws.unitRows[unit])
                    var input = UnsafePointer(worker.input)
                    for (l, layer) in layers.enumerated() {
                        let output = worker.network.activations(l)
                        BLAS.sgemm(
                            m: count, n: layer.outputSize, k: layer.inputSize, a: input, lda: layer.inputSize,
                            b: member.weights.weights(l), ldb: layer.outputSize, c: output,
                            ldc: layer.outputSize)
                        input = UnsafePointer(output)
                    }
                }
            }
        } / Double(steps)
    }

    /// Seconds per epoch (all members, batches of the configured size, each cut into the same slices as in
    /// training) spent in the 3 forward products and the 5 backward products (dW of every layer, input gradients of
    /// the upper two) of every slice, with the same work units and one join per step.
    static func training(ensemble: DynamicsEnsemble, trainCount: Int, repeats: Int) -> Double {
        let layers = ensemble.members[0].network.layers
        let batch = ensemble.config.batchSize, slices = EnsembleMember.slicesPerBatch
        let units = ensemble.members.count * slices
        let buffers = (0..<units).map { _ in CeilingBuffers(layers: layers, rows: (batch + slices - 1) / slices) }
        return DynamicsBenchmark.best(of: repeats) {
            var start = 0
            while start < trainCount {
                let rows = min(batch, trainCount - start)
                WorkerPool.shared.runSingleThreadedBLAS(units: units, threads: ensemble.threads) { unit, _ in
                    let member = ensemble.members[unit / slices], b = buffers[unit]
                    let (lower, upper) = EnsembleMember.sliceBounds(rows: rows, slice: unit % slices)
                    productsOfOneSlice(rows: upper - lower, layers: layers, weights: member.weights, buffers: b)
                }
                start += rows
            }
        }
    }

    /// The 8 products of forward and backward passes of `rows` rows.
    static func productsOfOneSlice(
        rows: Int, layers: [MLP<Float>.LayerOffsets], weights: MLPWeights<Float>,
        buffers b: CeilingBuffers
    ) {
        guard rows > 0 else { return }
        for (l, layer) in layers.enumerated() {
            BLAS.sgemm(
                m: rows, n: layer.outputSize, k: layer.inputSize, a: b.activation[l], lda: layer.inputSize,
                b: weights.weights(l), ldb: layer.outputSize, c: b.activation[l + 1], ldc: layer.outputSize)
        }
        for (l, layer) in layers.enumerated().reversed() {
            BLAS.sgemm(
                transposeA: true, m: layer.inputSize, n: layer.outputSize, k: rows, a: b.activation[l],
                lda: layer.inputSize, b: b.gradient[l + 1], ldb: layer.outputSize, c: b.weightGradient[l],
                ldc: layer.outputSize)
            if l > 0 {
                BLAS.sgemm(
                    transposeB: true, m: rows, n: layer.inputSize, k: layer.outputSize, a: b.gradient[l + 1],
                    lda: layer.outputSize, b: weights.weights(l), ldb: layer.outputSize, c: b.gradient[l],
                    ldc: layer.inputSize)
            }
        }
    }
}

/// Operand buffers of one member's products, filled with small values.
final class CeilingBuffers {
    var activation: [UnsafeMutablePointer<Float>] = [], gradient: [UnsafeMutablePointer<Float>] = []
    var weightGradient: [UnsafeMutablePointer<Float>] = []

    init(layers: [MLP<Float>.LayerOffsets], rows: Int) {
        func make(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            for i in 0..<n { p[i] = Float((i % 7) - 3) * 0.01 }
            return p
        }
        let widths = [layers[0].inputSize] + layers.map(\.outputSize)
        activation = widths.map { make(rows * $0) }
        gradient = widths.map { make(rows * $0) }
        weightGradient = layers.map { make($0.inputSize * $0.outputSize) }
    }

    deinit { (activation + gradient + weightGradient).forEach { $0.deallocate() } }
}
