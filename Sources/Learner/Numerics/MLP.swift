import Core

/// A multilayer perceptron y = f_L(… f_1(x·W₁ + b₁) …)·W_L + b_L with one flat parameter vector.
///
/// Hidden layers use `activation`, the output layer is linear. With weight normalization each layer's weights are
/// W = V · diag(g / ‖V[:, j]‖₂) (see ``WeightNormalization``). Parameter layout, layer by layer:
/// V (in × out, row-major), then g (out) when weight-normalized, then b (out).
public struct MLP<Scalar: GEMMScalar>: Equatable, Sendable {
    /// Where one layer's parameters sit in ``parameters``.
    public struct LayerOffsets: Equatable, Sendable {
        /// Input width of the layer.
        public let inputSize: Int
        /// Output width of the layer.
        public let outputSize: Int
        /// Offset of V (or W without weight normalization), (inputSize × outputSize).
        public let weights: Int
        /// Offset of g (outputSize), or nil without weight normalization.
        public let gain: Int?
        /// Offset of b (outputSize).
        public let bias: Int
    }

    /// Widths [input, hidden…, output].
    public let layerSizes: [Int]
    /// Nonlinearity after every hidden layer.
    public let activation: Activation
    /// Whether every layer (output included) is weight-normalized.
    public let weightNormalization: Bool
    /// Offsets of each layer's parameters.
    public let layers: [LayerOffsets]
    /// All parameters, laid out as described on the type.
    public var parameters: [Scalar]
    /// Arithmetic of the forward and backward products (float32 unless set; see ``MatrixPrecision``).
    public var matrixPrecision: MatrixPrecision = .float32

    /// A network with Xavier-uniform V (or W), gains 1 and biases 0, drawing from `rng`.
    public init(layerSizes: [Int], activation: Activation, weightNormalization: Bool, using rng: inout SplitMix64) {
        precondition(
            layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 },
            "an MLP needs at least input and output widths, all positive; got \(layerSizes)")
        self.layerSizes = layerSizes
        self.activation = activation
        self.weightNormalization = weightNormalization
        var layers: [LayerOffsets] = []
        var offset = 0
        for l in 0..<(layerSizes.count - 1) {
            let (i, o) = (layerSizes[l], layerSizes[l + 1])
            let gain: Int? = weightNormalization ? offset + i * o : nil
            let bias = offset + i * o + (weightNormalization ? o : 0)
            layers.append(LayerOffsets(inputSize: i, outputSize: o, weights: offset, gain: gain, bias: bias))
            offset = bias + o
        }
        self.layers = layers
        var parameters = [Scalar](repeating: 0, count: offset)
        for layer in layers {
            let w: [Scalar] = xavierUniform(fanIn: layer.inputSize, fanOut: layer.outputSize, using: &rng)
            parameters.replaceSubrange(layer.weights..<(layer.weights + w.count), with: w)
            if let gain = layer.gain {
                for j in 0..<layer.outputSize { parameters[gain + j] = 1 }
            }
        }
        self.parameters = parameters
    }

    /// Number of scalar parameters.
    public var parameterCount: Int { parameters.count }
    /// Input width.
    public var inputSize: Int { layerSizes[0] }
    /// Output width.
    public var outputSize: Int { layerSizes[layerSizes.count - 1] }

    /// Writes the effective weights (and column norms) of every layer into `weights`.
    public func computeWeights(into weights: MLPWeights<Scalar>) {
        precondition(weights.layerSizes == layerSizes, "weights sized for \(weights.layerSizes), not \(layerSizes)")
        parameters.withUnsafeBufferPointer { pb in
            guard let p = pb.baseAddress else { return }
            for (l, layer) in layers.enumerated() {
                let n = layer.inputSize * layer.outputSize
                let w = weights.weights(l)
                if let gain = layer.gain {
                    WeightNormalization.effectiveWeights(
                        direction: p + layer.weights, gain: p + gain,
                        inputSize: layer.inputSize, outputSize: layer.outputSize,
                        norms: weights.norms(l), scales: weights.scales(l),
                        weights: w)
                } else {
                    w.update(from: p + layer.weights, count: n)
                }
                weights.bias(l).update(from: p + layer.bias, count: layer.outputSize)
            }
        }
    }

    /// Forward pass; returns the output rows (rows × outputSize), which live in `workspace`.
    /// - Parameters: x: (rows × inputSize), rows ≤ `workspace.capacity`; `weights` from ``computeWeights(into:)``.
    @discardableResult
    public func forward(
        _ x: UnsafePointer<Scalar>, rows: Int, weights: MLPWeights<Scalar>,
        workspace: MLPWorkspace<Scalar>
    ) -> UnsafeMutablePointer<Scalar> {
        precondition(rows <= workspace.capacity, "\(rows) rows exceed the workspace capacity \(workspace.capacity)")
        var input = x
        for (l, layer) in layers.enumerated() {
            let output = workspace.activations(l)
            Dense.forward(
                input: input, rows: rows, inputSize: layer.inputSize, outputSize: layer.outputSize,
                weights: weights.weights(l), bias: weights.bias(l), output: output,
                precision: matrixPrecision)
            if l < layers.count - 1 { activation.apply(output, count: rows * layer.outputSize) }
            input = UnsafePointer(output)
        }
        return workspace.activations(layers.count - 1)
    }
}
