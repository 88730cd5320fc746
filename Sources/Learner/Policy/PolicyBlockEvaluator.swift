/// Per-row means and log-stds of a batch whose rows are split into M contiguous equal blocks, block i evaluated with
/// parameter vector θ_i (docs/algorithm.md §3.3), with every buffer allocated once: imagined rollouts call this each
/// step.
///
/// Same arithmetic as ``GaussianMLPPolicy/blockDistributions(observations:parameterSets:)`` (the same forward pass
/// over the same block rows), so the results are bit-identical to it.
public final class PolicyBlockEvaluator {
    /// Policy shapes.
    public let layout: PolicyLayout
    /// Rows per call.
    public let rows: Int
    let buffers: LayerBuffers
    let passes: PolicyNetworkPasses
    /// Hidden-layer row pointers of each block, for the block count last used.
    private var blockHidden: [[UnsafeMutablePointer<Double>]] = []

    /// An evaluator for batches of exactly `rows` rows.
    public init(layout: PolicyLayout, rows: Int) {
        precondition(rows > 0, "rows must be positive, got \(rows)")
        self.layout = layout
        self.rows = rows
        buffers = LayerBuffers(layout: layout, rows: rows)
        passes = PolicyNetworkPasses(layout: layout)
    }

    /// Fills means and logStds (rows × actionSize) for observations (rows × observationSize), block i of
    /// M = parameterSets.count using parameterSets[i]. Allocates nothing once the block count has been seen.
    public func evaluate(
        observations: UnsafeBufferPointer<Double>, parameterSets: [[Double]],
        means: UnsafeMutableBufferPointer<Double>, logStds: UnsafeMutableBufferPointer<Double>
    ) {
        let (o, a, blocks) = (layout.observationSize, layout.actionSize, parameterSets.count)
        precondition(
            observations.count == rows * o && means.count == rows * a && logStds.count == rows * a,
            "expected \(rows) rows of \(o) observations and \(a) action entries")
        precondition(blocks > 0 && rows % blocks == 0, "\(rows) rows cannot be split into \(blocks) equal blocks")
        let per = rows / blocks
        if blockHidden.count != blocks { blockHidden = (0..<blocks).map { buffers.at(row: $0 * per) } }
        guard let x = observations.baseAddress, let m = means.baseAddress else { return }
        for (i, theta) in parameterSets.enumerated() {
            precondition(
                theta.count == layout.parameterCount,
                "block \(i): expected \(layout.parameterCount) parameters, got \(theta.count)")
            theta.withUnsafeBufferPointer { p in
                let base = p.baseAddress!
                passes.forward(
                    rows: per, x: x + i * per * o, theta: base, hidden: blockHidden[i],
                    mean: m + i * per * a)
                for d in 0..<a {
                    let logStd = max(base[layout.logStdOffset + d], layout.minLogStd)
                    for r in (i * per)..<((i + 1) * per) { logStds[r * a + d] = logStd }
                }
            }
        }
    }
}
