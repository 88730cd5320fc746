/// A zero-initialized, manually managed block of scalars, freed with its owner.
final class ScalarStorage<T: BinaryFloatingPoint> {
    let base: UnsafeMutablePointer<T>
    let count: Int

    init(_ count: Int) {
        self.count = count
        base = .allocate(capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { base.deallocate() }

    /// self[i] = T(source[i]) for i in 0..<count, starting at element `offset`.
    @inline(__always)
    func convert(from source: UnsafePointer<Double>, count: Int, offset: Int = 0) {
        let out = base + offset
        for i in 0..<count { out[i] = T(source[i]) }
    }
}

/// Double-precision storage: parameters, gradients and the policy's own passes.
typealias PolicyStorage = ScalarStorage<Double>

/// Per-layer activation buffers for `rows` rows: buffer l is (rows × widths[l + 1]) for the hidden layers.
final class LayerStorage<T: BinaryFloatingPoint> {
    let storage: [ScalarStorage<T>]
    let widths: [Int]

    init(layout: PolicyLayout, rows: Int) {
        widths = Array(layout.widths[1..<(layout.widths.count - 1)])
        storage = widths.map { ScalarStorage<T>(rows * $0) }
    }

    /// Pointers to row `row` of every buffer.
    func at(row: Int) -> [UnsafeMutablePointer<T>] {
        (0..<widths.count).map { storage[$0].base + row * widths[$0] }
    }

    /// Copies `rows` rows of `source` (one pointer per layer) to row `row` onwards, converting each value.
    func convert(from source: [UnsafeMutablePointer<Double>], rows: Int, at row: Int) {
        for l in 0..<widths.count {
            storage[l].convert(from: source[l], count: rows * widths[l], offset: row * widths[l])
        }
    }
}

typealias LayerBuffers = LayerStorage<Double>

/// Block-sized buffers of the Hessian-vector and Fisher products in their scalar `T` (``CurvaturePrecision``),
/// plus the direction and the result vector in that scalar; each loss that caches for products owns one.
final class ProductScratch<T: BinaryFloatingPoint> {
    let rHidden: LayerStorage<T>, gz: LayerStorage<T>
    let rMean: ScalarStorage<T>, rOutputGradient: ScalarStorage<T>
    let ping: ScalarStorage<T>, pong: ScalarStorage<T>
    let direction: ScalarStorage<T>, result: ScalarStorage<T>

    init(layout: PolicyLayout, blockRows: Int) {
        rHidden = LayerStorage(layout: layout, rows: blockRows)
        gz = LayerStorage(layout: layout, rows: blockRows)
        rMean = ScalarStorage(blockRows * layout.actionSize)
        rOutputGradient = ScalarStorage(blockRows * layout.actionSize)
        ping = ScalarStorage(blockRows * layout.maxWidth)
        pong = ScalarStorage(blockRows * layout.maxWidth)
        direction = ScalarStorage(layout.parameterCount)
        result = ScalarStorage(layout.parameterCount)
    }
}

/// Block-sized work buffers owned by one worker thread; every pass overwrites what it reads.
final class PolicyScratch {
    let blockRows: Int
    let hidden: LayerBuffers, gz: LayerBuffers, ga: LayerBuffers
    let mean: PolicyStorage, outputGradient: PolicyStorage, rMean: PolicyStorage, rOutputGradient: PolicyStorage
    let vectorA: PolicyStorage, vectorB: PolicyStorage

    init(layout: PolicyLayout, blockRows: Int) {
        self.blockRows = blockRows
        hidden = LayerBuffers(layout: layout, rows: blockRows)
        gz = LayerBuffers(layout: layout, rows: blockRows)
        ga = LayerBuffers(layout: layout, rows: blockRows)
        let a = blockRows * layout.actionSize
        mean = PolicyStorage(a)
        outputGradient = PolicyStorage(a)
        rMean = PolicyStorage(a)
        rOutputGradient = PolicyStorage(a)
        vectorA = PolicyStorage(layout.parameterCount)
        vectorB = PolicyStorage(layout.parameterCount)
    }
}
