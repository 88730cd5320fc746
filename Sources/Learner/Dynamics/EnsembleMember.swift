import Core

/// One member of the ensemble: network, Adam state, effective weights and training scratch.
final class EnsembleMember: @unchecked Sendable {
    // @unchecked: during a fit each member is touched by exactly one worker; prediction only reads it.
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
    private var scratch: TrainingScratch?

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

    /// One epoch of Adam steps over the training rows order[0..<trainCount] in batches of `batchSize`, visited in
    /// `batchOrder`; returns the row-weighted mean batch loss.
    /// - Parameters: x: (N × in) normalized inputs, y: (N × out) normalized targets.
    func trainEpoch(inputs x: UnsafePointer<Float>, targets y: UnsafePointer<Float>, trainCount: Int,
                    batchSize: Int) -> Double {
        let s = scratchSpace(batchSize)
        var total = 0.0
        for b in batchOrder {
            let start = Int(b) * batchSize
            let rows = min(batchSize, trainCount - start)
            gather(x, y, from: start, rows: rows, into: s)
            network.computeWeights(into: weights)
            let loss = network.lossAndGradient(input: s.input, target: s.target, rows: rows, weights: weights,
                                               workspace: s.workspace)
            network.parameters.withUnsafeMutableBufferPointer { p in
                guard let p = p.baseAddress else { return }
                optimizer.update(parameters: p, gradient: s.workspace.gradient)
            }
            total += loss * Double(rows)
        }
        network.computeWeights(into: weights)
        epochsTrained += 1
        return total / Double(trainCount)
    }

    /// Mean squared error (normalized space) over the validation rows order[trainCount...].
    func validationLoss(inputs x: UnsafePointer<Float>, targets y: UnsafePointer<Float>, trainCount: Int,
                        batchSize: Int) -> Double {
        let s = scratchSpace(batchSize)
        let outputSize = network.outputSize
        var sum = 0.0
        var start = trainCount
        while start < order.count {
            let rows = min(batchSize, order.count - start)
            gather(x, y, from: start, rows: rows, into: s)
            let prediction = network.forward(s.input, rows: rows, weights: weights, workspace: s.workspace)
            sum += MeanSquaredError.value(prediction: prediction, target: s.target, count: rows * outputSize)
                * Double(rows)
            start += rows
        }
        return sum / Double(order.count - trainCount)
    }

    /// Copies rows order[start..<start+rows] of x and y into the batch buffers.
    private func gather(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, from start: Int, rows: Int,
                        into s: TrainingScratch) {
        let inputSize = network.inputSize, outputSize = network.outputSize
        order.withUnsafeBufferPointer { order in
            for i in 0..<rows {
                let r = Int(order[start + i])
                (s.input + i * inputSize).update(from: x + r * inputSize, count: inputSize)
                (s.target + i * outputSize).update(from: y + r * outputSize, count: outputSize)
            }
        }
    }

    private func scratchSpace(_ batchSize: Int) -> TrainingScratch {
        if let scratch, scratch.workspace.capacity == batchSize { return scratch }
        let made = TrainingScratch(network: network, batchSize: batchSize)
        scratch = made
        return made
    }
}

/// Batch buffers of one member: gathered inputs (B × in), targets (B × out) and the network workspace.
final class TrainingScratch {
    let workspace: MLPWorkspace<Float>
    let input: UnsafeMutablePointer<Float>
    let target: UnsafeMutablePointer<Float>

    init(network: MLP<Float>, batchSize: Int) {
        workspace = MLPWorkspace(layerSizes: network.layerSizes, weightNormalization: network.weightNormalization,
                                 capacity: batchSize, training: true)
        input = .allocate(capacity: batchSize * network.inputSize)
        input.initialize(repeating: 0, count: batchSize * network.inputSize)
        target = .allocate(capacity: batchSize * network.outputSize)
        target.initialize(repeating: 0, count: batchSize * network.outputSize)
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
