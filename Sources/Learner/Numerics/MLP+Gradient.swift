extension MLP {
    /// Mean squared error L = (1/(rows·out)) Σ (y − t)² of the forward pass on x, and dL/dθ into
    /// `workspace.gradient` (laid out like ``parameters``).
    ///
    /// Backward pass, layer by layer from the output: dz = dy ⊙ f′ (hidden layers), dW = aᵀ·dz, db = Σ_rows dz,
    /// da = dz·Wᵀ; with weight normalization dW becomes (dV, dg) through ``WeightNormalization/backward``.
    /// - Parameters: x: (rows × inputSize), t: (rows × outputSize); `weights` must match ``parameters``;
    ///   `batchRows` (default `rows`) is the row count of the mean, for a slice of a larger batch.
    public func lossAndGradient(
        input x: UnsafePointer<Scalar>, target t: UnsafePointer<Scalar>, rows: Int,
        batchRows: Int? = nil, weights: MLPWeights<Scalar>,
        workspace: MLPWorkspace<Scalar>
    ) -> Double {
        precondition(
            workspace.parameterCount == parameterCount,
            "workspace gradient holds \(workspace.parameterCount) values, network has \(parameterCount)")
        let y = forward(x, rows: rows, weights: weights, workspace: workspace)
        var (upstream, downstream) = workspace.scratch
        let loss = MeanSquaredError.valueAndGradient(
            prediction: y, target: t, count: rows * outputSize,
            normalizer: (batchRows ?? rows) * outputSize,
            gradient: upstream)
        let grad = workspace.gradient
        parameters.withUnsafeBufferPointer { pb in
            guard let p = pb.baseAddress else { return }
            for l in stride(from: layers.count - 1, through: 0, by: -1) {
                let layer = layers[l]
                let output = workspace.activations(l)
                if l < layers.count - 1 {
                    activation.backward(output: output, gradient: upstream, count: rows * layer.outputSize)
                }
                let input = l == 0 ? x : UnsafePointer(workspace.activations(l - 1))
                Dense.backward(
                    input: input, outputGradient: upstream, rows: rows,
                    inputSize: layer.inputSize, outputSize: layer.outputSize,
                    weights: weights.weights(l), inputGradient: l == 0 ? nil : downstream,
                    weightGradient: grad + layer.weights, biasGradient: grad + layer.bias,
                    precision: matrixPrecision)
                if let gain = layer.gain {
                    // dz of this layer (`upstream`) has been consumed by Dense.backward: its buffer is free scratch
                    WeightNormalization.backward(
                        direction: p + layer.weights, norms: weights.norms(l),
                        scales: weights.scales(l), inputSize: layer.inputSize,
                        outputSize: layer.outputSize, gradient: grad + layer.weights,
                        gainGradient: grad + gain, scratch: upstream)
                }
                swap(&upstream, &downstream)
            }
        }
        return loss
    }

    /// Array convenience for ``lossAndGradient(input:target:rows:batchRows:weights:workspace:)``: returns (L, dL/dθ).
    public func lossAndGradient(input: [Scalar], target: [Scalar], rows: Int) -> (loss: Double, gradient: [Scalar]) {
        precondition(
            input.count == rows * inputSize && target.count == rows * outputSize,
            "expected \(rows)×\(inputSize) inputs and \(rows)×\(outputSize) targets")
        let weights = MLPWeights<Scalar>(layerSizes: layerSizes)
        let workspace = MLPWorkspace<Scalar>(
            layerSizes: layerSizes, weightNormalization: weightNormalization,
            capacity: rows, training: true)
        computeWeights(into: weights)
        let loss = input.withUnsafeBufferPointer { xb in
            target.withUnsafeBufferPointer { tb -> Double in
                guard let x = xb.baseAddress, let t = tb.baseAddress else { return 0 }
                return lossAndGradient(input: x, target: t, rows: rows, weights: weights, workspace: workspace)
            }
        }
        return (loss, Array(UnsafeBufferPointer(start: workspace.gradient, count: parameterCount)))
    }

    /// Array convenience for the forward pass: y (rows × outputSize) for x (rows × inputSize).
    public func callAsFunction(_ input: [Scalar], rows: Int) -> [Scalar] {
        precondition(input.count == rows * inputSize, "expected \(rows)×\(inputSize) inputs, got \(input.count)")
        let weights = MLPWeights<Scalar>(layerSizes: layerSizes)
        let workspace = MLPWorkspace<Scalar>(
            layerSizes: layerSizes, weightNormalization: weightNormalization,
            capacity: rows, training: false)
        computeWeights(into: weights)
        return input.withUnsafeBufferPointer { xb in
            guard let x = xb.baseAddress else { return [] }
            let y = forward(x, rows: rows, weights: weights, workspace: workspace)
            return Array(UnsafeBufferPointer(start: y, count: rows * outputSize))
        }
    }
}
