#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Pointer-level passes through the policy's tanh mean network for a block of `rows` rows.
///
/// All buffers are row-major and contiguous (row stride = layer width). `hidden[l]` holds tanh(z_l) for
/// l < L; the output layer is linear. Products go through BLAS; elementwise work is plain loops. The forward
/// pass is Double; the backward and R-passes are generic so that Hessian and Fisher products can run in `Float`
/// on single-precision copies of θ and of the cached activations (``CurvaturePrecision``).
/// Notation (Pearlmutter 1994): R{·} is the directional derivative along the parameter direction v, whose
/// blocks V_l, c_l mirror W_l, b_l.
struct PolicyNetworkPasses {
    let layout: PolicyLayout

    var lastLayer: Int { layout.widths.count - 2 }

    /// C (rows × n) = alpha · op(A) · op(B) + beta · C on contiguous row-major blocks.
    @inline(__always)
    func gemm<T: GEMMScalar>(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: T,
        _ a: UnsafePointer<T>, _ lda: Int, _ b: UnsafePointer<T>, _ ldb: Int,
        _ beta: T, _ c: UnsafeMutablePointer<T>, _ ldc: Int
    ) {
        T.gemm(
            transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
            b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// Fills every row of `out` (rows × width) with `bias`.
    @inline(__always)
    func fillRows<T: GEMMScalar>(_ out: UnsafeMutablePointer<T>, rows: Int, width: Int, bias: UnsafePointer<T>) {
        for r in 0..<rows {
            let row = out + r * width
            for j in 0..<width { row[j] = bias[j] }
        }
    }

    /// acc[j] += Σ_r m[r, j] (fixed row order).
    @inline(__always)
    func addColumnSums<T: GEMMScalar>(
        _ m: UnsafePointer<T>, rows: Int, width: Int,
        into acc: UnsafeMutablePointer<T>
    ) {
        for r in 0..<rows {
            let row = m + r * width
            for j in 0..<width { acc[j] += row[j] }
        }
    }

    /// Input of layer l: the observations for l = 0, else hidden[l − 1].
    @inline(__always)
    func input<T: GEMMScalar>(_ l: Int, _ x: UnsafePointer<T>, _ hidden: [UnsafeMutablePointer<T>]) -> UnsafePointer<T>
    {
        l == 0 ? x : UnsafePointer(hidden[l - 1])
    }

    /// μ = f(o; θ): hidden[l] = tanh(u_l W_l + b_l), mean = u_L W_L + b_L.
    /// - Parameters: x: (rows × obs); hidden[l]: (rows × widths[l+1]); mean: (rows × act).
    func forward(
        rows: Int, x: UnsafePointer<Double>, theta: UnsafePointer<Double>,
        hidden: [UnsafeMutablePointer<Double>], mean: UnsafeMutablePointer<Double>
    ) {
        let w = layout.widths
        for l in 0...lastLayer {
            let out = l == lastLayer ? mean : hidden[l]
            fillRows(out, rows: rows, width: w[l + 1], bias: theta + layout.biasOffsets[l])
            gemm(
                false, false, rows, w[l + 1], w[l], 1, input(l, x, hidden), w[l], theta + layout.weightOffsets[l],
                w[l + 1], 1, out, w[l + 1])
            if l < lastLayer {
                PolicyTanh.apply(out, count: rows * w[l + 1])
            }
        }
    }

    /// Backpropagates g_μ = ∂L/∂μ (rows × act): grad[W_l] += u_lᵀ g_{z_l}, grad[b_l] += Σ_rows g_{z_l}.
    ///
    /// Writes g_{z_l} = g_{h_l} ⊙ (1 − h_l²) of each hidden layer to `gz[l]` (rows × widths[l+1]); when `ga` is given,
    /// also keeps g_{h_l} there, which is all the R-backward pass needs besides h (it rebuilds g_z from the two).
    func backward<T: GEMMScalar>(
        rows: Int, x: UnsafePointer<T>, theta: UnsafePointer<T>,
        hidden: [UnsafeMutablePointer<T>], outputGradient: UnsafePointer<T>,
        gz: [UnsafeMutablePointer<T>], ga: [UnsafeMutablePointer<T>]?,
        gradient: UnsafeMutablePointer<T>
    ) {
        let w = layout.widths
        var g = outputGradient
        for l in stride(from: lastLayer, through: 0, by: -1) {
            gemm(
                true, false, w[l], w[l + 1], rows, 1, input(l, x, hidden), w[l], g, w[l + 1], 1,
                gradient + layout.weightOffsets[l], w[l + 1])
            addColumnSums(g, rows: rows, width: w[l + 1], into: gradient + layout.biasOffsets[l])
            guard l > 0 else { break }
            // g_h = g_z W_lᵀ, then g_z(prev) = g_h ⊙ (1 − h²)
            let next = gz[l - 1], h = hidden[l - 1], count = rows * w[l]
            let gh = ga?[l - 1] ?? next
            gemm(
                false, true, rows, w[l], w[l + 1], 1, g, w[l + 1], theta + layout.weightOffsets[l], w[l + 1],
                0, gh, w[l])
            for i in 0..<count { next[i] = gh[i] * (1 - h[i] * h[i]) }
            g = UnsafePointer(next)
        }
    }

    /// R-forward: R{h_l} and R{μ} along direction v at θ, given the forward activations `hidden`.
    /// R{z_l} = R{u_l} W_l + u_l V_l + c_l, R{h_l} = (1 − h_l²) ⊙ R{z_l}, R{u_0} = 0.
    func rForward<T: GEMMScalar>(
        rows: Int, x: UnsafePointer<T>, theta: UnsafePointer<T>, direction v: UnsafePointer<T>,
        hidden: [UnsafeMutablePointer<T>], rHidden: [UnsafeMutablePointer<T>],
        rMean: UnsafeMutablePointer<T>
    ) {
        let w = layout.widths
        for l in 0...lastLayer {
            let out = l == lastLayer ? rMean : rHidden[l]
            fillRows(out, rows: rows, width: w[l + 1], bias: v + layout.biasOffsets[l])
            gemm(
                false, false, rows, w[l + 1], w[l], 1, input(l, x, hidden), w[l], v + layout.weightOffsets[l],
                w[l + 1], 1, out, w[l + 1])
            if l > 0 {
                gemm(
                    false, false, rows, w[l + 1], w[l], 1, rHidden[l - 1], w[l], theta + layout.weightOffsets[l],
                    w[l + 1], 1, out, w[l + 1])
            }
            if l < lastLayer {
                let h = hidden[l]
                for i in 0..<(rows * w[l + 1]) { out[i] *= 1 - h[i] * h[i] }
            }
        }
    }

    /// R-backward: accumulates R{∇θ L} into `rGradient` (weight and bias blocks) given R{g_μ}.
    ///
    /// R{grad W_l} = R{u_l}ᵀ g_{z_l} + u_lᵀ R{g_{z_l}}; R{g_h} = R{g_z} W_lᵀ + g_z V_lᵀ;
    /// R{g_z(prev)} = R{g_h} ⊙ (1 − h²) − 2 g_h ⊙ h ⊙ R{h}, since R{1 − h²} = −2h R{h}. `ga` holds g_h from
    /// ``backward``; g_z is rebuilt into `gz` (scratch); `ping`, `pong` are scratch of rows × maxWidth.
    func rBackward<T: GEMMScalar>(
        rows: Int, x: UnsafePointer<T>, theta: UnsafePointer<T>,
        direction v: UnsafePointer<T>, hidden: [UnsafeMutablePointer<T>],
        rHidden: [UnsafeMutablePointer<T>], outputGradient: UnsafePointer<T>,
        ga: [UnsafeMutablePointer<T>], gz: [UnsafeMutablePointer<T>],
        rOutputGradient: UnsafePointer<T>, ping: UnsafeMutablePointer<T>,
        pong: UnsafeMutablePointer<T>, rGradient: UnsafeMutablePointer<T>
    ) {
        let w = layout.widths
        var g = outputGradient, rg = rOutputGradient
        var buffers = (ping, pong)
        for l in stride(from: lastLayer, through: 0, by: -1) {
            let gW = rGradient + layout.weightOffsets[l]
            gemm(true, false, w[l], w[l + 1], rows, 1, input(l, x, hidden), w[l], rg, w[l + 1], 1, gW, w[l + 1])
            if l > 0 { gemm(true, false, w[l], w[l + 1], rows, 1, rHidden[l - 1], w[l], g, w[l + 1], 1, gW, w[l + 1]) }
            addColumnSums(rg, rows: rows, width: w[l + 1], into: rGradient + layout.biasOffsets[l])
            guard l > 0 else { break }
            let next = buffers.0, h = hidden[l - 1], rh = rHidden[l - 1], gh = ga[l - 1], gzl = gz[l - 1]
            gemm(
                false, true, rows, w[l], w[l + 1], 1, rg, w[l + 1], theta + layout.weightOffsets[l], w[l + 1],
                0, next, w[l])
            gemm(
                false, true, rows, w[l], w[l + 1], 1, g, w[l + 1], v + layout.weightOffsets[l], w[l + 1],
                1, next, w[l])
            for i in 0..<(rows * w[l]) {
                let hi = h[i], d = 1 - hi * hi, a = gh[i]
                gzl[i] = a * d
                next[i] = next[i] * d - 2 * a * hi * rh[i]
            }
            rg = UnsafePointer(next)
            g = UnsafePointer(gzl)
            buffers = (buffers.1, buffers.0)
        }
    }
}
