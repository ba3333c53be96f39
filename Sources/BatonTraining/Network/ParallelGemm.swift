import BatonCore
import Dispatch

/// Large matrix products split by rows of C across threads, each a single-threaded BLAS
/// call. Baton keeps OpenBLAS itself at one thread: its own workers spin in sched_yield
/// between calls (measured at ~8 % of training time) and would compete with the
/// row-parallel recurrence for the same cores.
enum ParallelGemm {
    /// Same contract as `BLAS.gemm`; below ~4 MFLOP per part the split is not worth a hand-off.
    static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        let parts = parts(m: m, n: n, k: k, threads: threads)
        guard parts > 1 else {
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                      beta: beta, c: c, ldc: ldc)
            return
        }
        nonisolated(unsafe) let a = a, b = b, c = c
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let first = m * part / parts, last = m * (part + 1) / parts
            // Rows of op(A): rows of A when not transposed, columns of A when transposed.
            let aPart = transposeA ? a + first : a + first * lda
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: last - first, n: n, k: k, alpha: alpha,
                      a: aPart, lda: lda, b: b, ldb: ldb, beta: beta, c: c + first * ldc, ldc: ldc)
        }
    }

    /// How many threads share an `[m, n] × k` product: at least 8 rows and ~2 MFLOP each.
    static func parts(m: Int, n: Int, k: Int, threads: Int) -> Int {
        max(1, min(threads, m / 8, (m * n * k) / 2_000_000))
    }
}
