#if canImport(Accelerate)
import Accelerate
#else
import _COpenBLAS
#endif

/// The few BLAS routines training uses, over OpenBLAS (Linux) or Accelerate (Apple); only
/// BatonTraining links them, so programs that only run models need no BLAS. Large
/// batched products in training go here; single-step inference uses `MatrixVector`.
public enum BLAS {
    /// C ← α·op(A)·op(B) + β·C, all row-major; op(A) is `[m, k]`, op(B) `[k, n]`, C `[m, n]`.
    @inline(__always)
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Threads BLAS may use for one call (OpenBLAS; Accelerate chooses for itself).
    public static func setThreads(_ count: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(max(1, count)))
        #endif
    }

    public static var threads: Int {
        #if canImport(Accelerate)
        return 1
        #else
        return Int(openblas_get_num_threads())
        #endif
    }
}

extension BLAS {
    /// The kernel family OpenBLAS chose for this CPU (e.g. "Haswell", "SkylakeX"); it
    /// follows the OPENBLAS_CORETYPE environment variable when that is set.
    public static var coreName: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        return openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        #endif
    }
}
