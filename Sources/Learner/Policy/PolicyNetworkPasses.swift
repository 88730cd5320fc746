#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Pointer-level passes through the policy's tanh mean network for a block of `rows` rows.
///
/// All buffers are row-major and contiguous (row stride = layer width). `hidden[l]` holds tanh(z_l) for
/// l < L; the output layer is linear. Products go through `BLAS.dgemm`; elementwise work is plain loops.
/// Notation (Pearlmutter 1994): R{·} is the directional derivative along the parameter direction v, whose
/// blocks V_l, c_l mirror W_l, b_l.
struct PolicyNetworkPasses {
    let layout: PolicyLayout

    var lastLayer: Int { layout.widths.count - 2 }

    /// C (rows × n) = alpha · op(A) · op(B) + beta · C on contiguous row-major blocks.
    @inline(__always)
    func gemm(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
              _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int,
              _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        BLAS.dgemm(transposeA: transA, transposeB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                   b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// Fills every row of `out` (rows × width) with `bias`.
    @inline(__always)
    func fillRows(_ out: UnsafeMutablePointer<Double>, rows: Int, width: Int, bias: UnsafePointer<Double>) {
        for r in 0..<rows {
            let row = out + r * width
            for j in 0..<width { row[j] = bias[j] }
        }
    }

    /// acc[j] += Σ_r m[r, j] (fixed row order).
    @inline(__always)
    func addColumnSums(_ m: UnsafePointer<Double>, rows: Int, width: Int, into acc: UnsafeMutablePointer<Double>) {
        for r in 0..<rows {
            let row = m + r * width
            for j in 0..<width { acc[j] += row[j] }
        }
    }

    /// Input of layer l: the observations for l = 0, else hidden[l − 1].
    @inline(__always)
    func input(_ l: Int, _ x: UnsafePointer<Double>, _ hidden: [UnsafeMutablePointer<Double>]) -> UnsafePointer<Double> {
        l == 0 ? x : UnsafePointer(hidden[l - 1])
    }

    /// μ = f(o; θ): hidden[l] = tanh(u_l W_l + b_l), mean = u_L W_L + b_L.
    /// - Parameters: x: (rows × obs); hidden[l]: (rows × widths[l+1]); mean: (rows × act).
    func forward(rows: Int, x: UnsafePointer<Double>, theta: UnsafePointer<Double>,
                 hidden: [UnsafeMutablePointer<Double>], mean: UnsafeMutablePointer<Double>) {
        let w = layout.widths
        for l in 0...lastLayer {
            let out = l == lastLayer ? mean : hidden[l]
            fillRows(out, rows: rows, width: w[l + 1], bias: theta + layout.biasOffsets[l])
            gemm(false, false, rows, w[l + 1], w[l], 1, input(l, x, hidden), w[l], theta + layout.weightOffsets[l],
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
    func backward(rows: Int, x: UnsafePointer<Double>, theta: UnsafePointer<Double>,
                  hidden: [UnsafeMutablePointer<Double>], outputGradient: UnsafePointer<Double>,
                  gz: [UnsafeMutablePointer<Double>], ga: [UnsafeMutablePointer<Double>]?,
                  gradient: UnsafeMutablePointer<Double>) {
        let w = layout.widths
        var g = outputGradient
        for l in stride(from: lastLayer, through: 0, by: -1) {
            gemm(true, false, w[l], w[l + 1], rows, 1, input(l, x, hidden), w[l], g, w[l + 1], 1,
                 gradient + layout.weightOffsets[l], w[l + 1])
            addColumnSums(g, rows: rows, width: w[l + 1], into: gradient + layout.biasOffsets[l])
            guard l > 0 else { break }
            // g_h = g_z W_lᵀ, then g_z(prev) = g_h ⊙ (1 − h²)
            let next = gz[l - 1], h = hidden[l - 1], count = rows * w[l]
            let gh = ga?[l - 1] ?? next
            gemm(false, true, rows, w[l], w[l + 1], 1, g, w[l + 1], theta + layout.weightOffsets[l], w[l + 1],
                 0, gh, w[l])
            for i in 0..<count { next[i] = gh[i] * (1 - h[i] * h[i]) }
            g = UnsafePointer(next)
        }
    }

    /// R-forward: R{h_l} and R{μ} along direction v at θ, given the forward activations `hidden`.
    /// R{z_l} = R{u_l} W_l + u_l V_l + c_l, R{h_l} = (1 − h_l²) ⊙ R{z_l}, R{u_0} = 0.
    func rForward(rows: Int, x: UnsafePointer<Double>, theta: UnsafePointer<Double>, direction v: UnsafePointer<Double>,
                  hidden: [UnsafeMutablePointer<Double>], rHidden: [UnsafeMutablePointer<Double>],
                  rMean: UnsafeMutablePointer<Double>) {
        let w = layout.widths
        for l in 0...lastLayer {
            let out = l == lastLayer ? rMean : rHidden[l]
            fillRows(out, rows: rows, width: w[l + 1], bias: v + layout.biasOffsets[l])
            gemm(false, false, rows, w[l + 1], w[l], 1, input(l, x, hidden), w[l], v + layout.weightOffsets[l],
                 w[l + 1], 1, out, w[l + 1])
            if l > 0 {
                gemm(false, false, rows, w[l + 1], w[l], 1, rHidden[l - 1], w[l], theta + layout.weightOffsets[l],
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
    func rBackward(rows: Int, x: UnsafePointer<Double>, theta: UnsafePointer<Double>, direction v: UnsafePointer<Double>,
                   hidden: [UnsafeMutablePointer<Double>], rHidden: [UnsafeMutablePointer<Double>],
                   outputGradient: UnsafePointer<Double>, ga: [UnsafeMutablePointer<Double>],
                   gz: [UnsafeMutablePointer<Double>], rOutputGradient: UnsafePointer<Double>,
                   ping: UnsafeMutablePointer<Double>, pong: UnsafeMutablePointer<Double>,
                   rGradient: UnsafeMutablePointer<Double>) {
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
            gemm(false, true, rows, w[l], w[l + 1], 1, rg, w[l + 1], theta + layout.weightOffsets[l], w[l + 1],
                 0, next, w[l])
            gemm(false, true, rows, w[l], w[l + 1], 1, g, w[l + 1], v + layout.weightOffsets[l], w[l + 1],
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
