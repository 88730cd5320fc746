/// A row-major matrix over one contiguous array: element (r, c) lives at `storage[r · columns + c]`.
///
/// Value semantics (copy-on-write through the array). Batches are matrices with one sample per row.
public struct DenseMatrix<Scalar: GEMMScalar>: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns (the row stride).
    public let columns: Int
    /// Row-major elements, `rows · columns` of them.
    public var storage: [Scalar]

    /// A (rows × columns) matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "negative shape \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = [Scalar](repeating: value, count: rows * columns)
    }

    /// A (rows × columns) matrix over existing row-major elements.
    public init(rows: Int, columns: Int, storage: [Scalar]) {
        precondition(
            storage.count == rows * columns,
            "storage has \(storage.count) elements, shape \(rows) × \(columns) needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Element (row, column).
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// The transpose, (columns × rows).
    public var transposed: DenseMatrix {
        var result = DenseMatrix(rows: columns, columns: rows)
        for r in 0..<rows {
            for c in 0..<columns { result.storage[c * rows + r] = storage[r * columns + c] }
        }
        return result
    }

    /// op(self) · op(other) through BLAS gemm; op is the identity or the transpose.
    ///
    /// Shapes: op(self) (m × k), op(other) (k × n), result (m × n).
    public func multiplied(
        by other: DenseMatrix, transposeSelf: Bool = false,
        transposeOther: Bool = false
    ) -> DenseMatrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let otherK = transposeOther ? other.columns : other.rows
        let n = transposeOther ? other.rows : other.columns
        precondition(k == otherK, "inner dimensions differ: \(k) vs \(otherK)")
        var result = DenseMatrix(rows: m, columns: n)
        guard m > 0, n > 0 else { return result }
        if k == 0 { return result }
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.storage.withUnsafeMutableBufferPointer { c in
                    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                    Scalar.gemm(
                        transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                        alpha: 1, a: a, lda: columns, b: b, ldb: other.columns, beta: 0, c: c, ldc: n)
                }
            }
        }
        return result
    }
}
