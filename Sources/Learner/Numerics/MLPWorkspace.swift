/// Effective weights of an ``MLP``: per layer W (in × out), b (out) and, with weight normalization, the column
/// norms ‖V[:, j]‖₂ and scales g_j / ‖V[:, j]‖₂ (out each). Allocated once; refreshed by
/// ``MLP/computeWeights(into:)`` after every parameter change.
public final class MLPWeights<Scalar: GEMMScalar>: @unchecked Sendable {
    // @unchecked: the buffer is written only by computeWeights, never concurrently with forward passes that read it.
    /// Widths [input, hidden…, output] this buffer is sized for.
    public let layerSizes: [Int]
    private let storage: UnsafeMutablePointer<Scalar>
    private let count: Int
    private let weightOffsets: [Int], biasOffsets: [Int], normOffsets: [Int], scaleOffsets: [Int]

    /// Buffers for a network with widths `layerSizes`.
    public init(layerSizes: [Int]) {
        self.layerSizes = layerSizes
        var offset = 0
        var w: [Int] = [], b: [Int] = [], n: [Int] = [], s: [Int] = []
        for l in 0..<(layerSizes.count - 1) {
            w.append(offset)
            offset += layerSizes[l] * layerSizes[l + 1]
            b.append(offset)
            offset += layerSizes[l + 1]
            n.append(offset)
            offset += layerSizes[l + 1]
            s.append(offset)
            offset += layerSizes[l + 1]
        }
        (weightOffsets, biasOffsets, normOffsets, scaleOffsets, count) = (w, b, n, s, offset)
        storage = .allocate(capacity: offset)
        storage.initialize(repeating: 0, count: offset)
    }

    deinit { storage.deallocate() }

    /// Effective weight matrix of layer `l`, (in × out) row-major.
    @inline(__always) public func weights(_ l: Int) -> UnsafeMutablePointer<Scalar> { storage + weightOffsets[l] }
    /// Bias of layer `l`, (out).
    @inline(__always) public func bias(_ l: Int) -> UnsafeMutablePointer<Scalar> { storage + biasOffsets[l] }
    /// Column norms ‖V[:, j]‖₂ of layer `l`, (out); meaningful only with weight normalization.
    @inline(__always) public func norms(_ l: Int) -> UnsafeMutablePointer<Scalar> { storage + normOffsets[l] }
    /// Column scales g_j / ‖V[:, j]‖₂ of layer `l`, (out); meaningful only with weight normalization.
    @inline(__always) public func scales(_ l: Int) -> UnsafeMutablePointer<Scalar> { storage + scaleOffsets[l] }
}

/// Scratch memory for forward and backward passes of up to `capacity` rows through an ``MLP``.
///
/// Holds each layer's output (capacity × width), two gradient buffers (capacity × widest layer) and one parameter
/// gradient (parameterCount). One workspace per concurrently running pass.
public final class MLPWorkspace<Scalar: GEMMScalar>: @unchecked Sendable {
    // @unchecked: a workspace is used by one thread at a time; the ensemble hands one to each worker.
    /// Largest batch a pass may use.
    public let capacity: Int
    /// Widths [input, hidden…, output] this workspace is sized for.
    public let layerSizes: [Int]
    /// dL/dθ after ``MLP/lossAndGradient(input:target:rows:batchRows:weights:workspace:)`` (parameterCount values).
    public let gradient: UnsafeMutablePointer<Scalar>
    /// Number of values in ``gradient``.
    public let parameterCount: Int
    private let activationStorage: UnsafeMutablePointer<Scalar>
    private let activationOffsets: [Int]
    private let scratchA: UnsafeMutablePointer<Scalar>, scratchB: UnsafeMutablePointer<Scalar>

    /// A workspace for `capacity` rows; `training` adds the gradient buffers.
    public init(layerSizes: [Int], weightNormalization: Bool, capacity: Int, training: Bool) {
        self.capacity = capacity
        self.layerSizes = layerSizes
        var offsets: [Int] = []
        var total = 0
        var parameters = 0
        for l in 1..<layerSizes.count {
            offsets.append(total)
            total += capacity * layerSizes[l]
            parameters += layerSizes[l - 1] * layerSizes[l] + layerSizes[l] * (weightNormalization ? 2 : 1)
        }
        activationOffsets = offsets
        activationStorage = .allocate(capacity: max(total, 1))
        activationStorage.initialize(repeating: 0, count: max(total, 1))
        let scratch = training ? max(capacity, 1) * (layerSizes.max() ?? 1) : 1
        scratchA = .allocate(capacity: scratch)
        scratchA.initialize(repeating: 0, count: scratch)
        scratchB = .allocate(capacity: scratch)
        scratchB.initialize(repeating: 0, count: scratch)
        parameterCount = training ? parameters : 0
        gradient = .allocate(capacity: max(parameterCount, 1))
        gradient.initialize(repeating: 0, count: max(parameterCount, 1))
    }

    deinit {
        activationStorage.deallocate()
        scratchA.deallocate()
        scratchB.deallocate()
        gradient.deallocate()
    }

    /// Output of layer `l` (after its activation), (capacity × width) row-major.
    @inline(__always) public func activations(_ l: Int) -> UnsafeMutablePointer<Scalar> {
        activationStorage + activationOffsets[l]
    }

    /// The two gradient scratch buffers (capacity × widest layer).
    @inline(__always) var scratch: (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>) { (scratchA, scratchB) }
}
