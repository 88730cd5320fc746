import Core

/// One member of the ensemble: network, Adam state, effective weights and training scratch.
///
/// Every mini-batch is cut into ``slicesPerBatch`` fixed halves whose gradients are computed independently (possibly
/// on different workers) and summed in slice order; the cut never depends on the worker count, so neither do results.
final class EnsembleMember: @unchecked Sendable {
    // @unchecked: each slice is touched by one worker at a time; the phases of a step are separated by joins.
    /// Fixed number of independently computed parts of every batch.
    static let slicesPerBatch = 2
    var network: MLP<Float>
    var optimizer: Adam<Float>
    let weights: MLPWeights<Float>
    /// Rows of the fit data in this member's random order: first the training rows, then the validation rows.
    var order: [Int32] = []
    /// Batch indices in this epoch's order.
    var batchOrder: [Int32] = []
    var lastTrainLoss = Double.nan
    var lastValidationLoss = Double.nan
    var epochsTrained = 0
    var epochLoss = 0.0
    private(set) var slices: [BatchSlice] = []

    init(network: MLP<Float>, learningRate: Double) {
        self.network = network
        optimizer = Adam(parameterCount: network.parameterCount, learningRate: learningRate)
        weights = MLPWeights(layerSizes: network.layerSizes)
        network.computeWeights(into: weights)
    }

    func refreshWeights() { network.computeWeights(into: weights) }

    /// Draws a uniformly random permutation of 0..<rows (Fisher–Yates) as the new train/validation split.
    func drawSplit(rows: Int, using rng: inout SplitMix64) {
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<Int32(rows))
        shuffle(&order, using: &rng)
    }

    /// Draws this epoch's batch order.
    func drawBatchOrder(batches: Int, using rng: inout SplitMix64) {
        batchOrder.removeAll(keepingCapacity: true)
        batchOrder.append(contentsOf: 0..<Int32(batches))
        shuffle(&batchOrder, using: &rng)
    }

    /// Allocates the slice buffers for batches of `batchSize` rows (once).
    func prepareSlices(batchSize: Int) {
        let capacity = (batchSize + EnsembleMember.slicesPerBatch - 1) / EnsembleMember.slicesPerBatch
        if let first = slices.first, first.workspace.capacity == capacity { return }
        slices = (0..<EnsembleMember.slicesPerBatch).map { _ in BatchSlice(network: network, capacity: capacity) }
    }

    /// Rows [lower, upper) of a `rows`-row batch that slice `s` owns.
    static func sliceBounds(rows: Int, slice s: Int) -> (lower: Int, upper: Int) {
        (s * rows / slicesPerBatch, (s + 1) * rows / slicesPerBatch)
    }

    /// Slice `s` of step `step` of the epoch: gathers its rows, runs forward and backward (the slice's share of the
    /// batch mean) into the slice's gradient buffer.
    func computeSlice(
        _ s: Int, step: Int, inputs x: UnsafePointer<Float>, targets y: UnsafePointer<Float>,
        trainCount: Int, batchSize: Int
    ) {
        let start = Int(batchOrder[step]) * batchSize
        let rows = min(batchSize, trainCount - start)
        let (lower, upper) = EnsembleMember.sliceBounds(rows: rows, slice: s)
        let slice = slices[s]
        slice.rows = upper - lower
        guard slice.rows > 0 else { return }
        gather(x, y, from: start + lower, rows: slice.rows, into: slice)
        slice.loss = network.lossAndGradient(
            input: slice.input, target: slice.target, rows: slice.rows,
            batchRows: rows, weights: weights, workspace: slice.workspace)
    }

    /// Sums the slice gradients in slice order, applies one Adam step and refreshes the effective weights.
    func applyStep() {
        var total: UnsafeMutablePointer<Float>?
        var rows = 0, loss = 0.0
        for slice in slices where slice.rows > 0 {
            rows += slice.rows
            loss += slice.loss
            guard let sum = total else {
                total = slice.workspace.gradient
                continue
            }
            let g = slice.workspace.gradient
            for i in 0..<network.parameterCount { sum[i] += g[i] }
        }
        guard let gradient = total else { return }
        network.parameters.withUnsafeMutableBufferPointer { p in
            guard let p = p.baseAddress else { return }
            optimizer.update(parameters: p, gradient: gradient)
        }
        network.computeWeights(into: weights)
        epochLoss += loss * Double(rows)
    }

    /// Sum of squared errors (normalized space) over slice `s` of the validation rows order[trainCount...], stored in
    /// the slice; chunks of at most the slice capacity.
    func validateSlice(_ s: Int, inputs x: UnsafePointer<Float>, targets y: UnsafePointer<Float>, trainCount: Int) {
        let slice = slices[s], outputSize = network.outputSize
        let (lower, upper) = EnsembleMember.sliceBounds(rows: order.count - trainCount, slice: s)
        var sum = 0.0
        var start = trainCount + lower
        while start < trainCount + upper {
            let rows = min(slice.workspace.capacity, trainCount + upper - start)
            gather(x, y, from: start, rows: rows, into: slice)
            let prediction = network.forward(slice.input, rows: rows, weights: weights, workspace: slice.workspace)
            sum +=
                MeanSquaredError.value(prediction: prediction, target: slice.target, count: rows * outputSize)
                * Double(rows * outputSize)
            start += rows
        }
        slice.squaredError = sum
    }

    /// Validation MSE from the slices' squared errors, summed in slice order.
    func validationLoss(trainCount: Int) -> Double {
        let sum = slices.reduce(0.0) { $0 + $1.squaredError }
        return sum / Double((order.count - trainCount) * network.outputSize)
    }

    /// Copies rows order[start..<start+rows] of x and y into the slice buffers.
    private func gather(
        _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, from start: Int, rows: Int,
        into s: BatchSlice
    ) {
        let inputSize = network.inputSize, outputSize = network.outputSize
        order.withUnsafeBufferPointer { order in
            for i in 0..<rows {
                let r = Int(order[start + i])
                (s.input + i * inputSize).update(from: x + r * inputSize, count: inputSize)
                (s.target + i * outputSize).update(from: y + r * outputSize, count: outputSize)
            }
        }
    }
}

/// Buffers of one batch slice: gathered inputs and targets, the network workspace (with its gradient) and results.
final class BatchSlice {
    let workspace: MLPWorkspace<Float>
    let input: UnsafeMutablePointer<Float>
    let target: UnsafeMutablePointer<Float>
    var rows = 0
    var loss = 0.0
    var squaredError = 0.0

    init(network: MLP<Float>, capacity: Int) {
        workspace = MLPWorkspace(
            layerSizes: network.layerSizes, weightNormalization: network.weightNormalization,
            capacity: capacity, training: true)
        input = .allocate(capacity: capacity * network.inputSize)
        input.initialize(repeating: 0, count: capacity * network.inputSize)
        target = .allocate(capacity: capacity * network.outputSize)
        target.initialize(repeating: 0, count: capacity * network.outputSize)
    }

    deinit {
        input.deallocate()
        target.deallocate()
    }
}

/// Fisher–Yates shuffle driven by `rng` (i from the end, j uniform in 0...i).
func shuffle(_ values: inout [Int32], using rng: inout SplitMix64) {
    guard values.count > 1 else { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
        values.swapAt(i, rng.nextIndex(i + 1))
    }
}
