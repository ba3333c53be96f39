/// C += A·B for the small products inside the LSTM recurrence, where BLAS spends more time
/// packing and dispatching than multiplying (B × 4H × H with H ≤ 128: 2.5× faster than
/// OpenBLAS here). Row-major: A `[m, k]` (stride lda), B `[k, n]` (stride ldb), C `[m, n]`
/// (stride ldc). Single-threaded.
public enum SmallGemm {
    /// Register-blocked: 4 rows × 16 columns of C stay in eight AVX registers while k runs;
    /// each step broadcasts one A value per row and loads two B vectors.
    @inlinable
    public static func multiplyAdd(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        typealias V = SIMD8<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var j = 0
        while j &+ 16 <= n {
            var i = 0
            while i &+ 4 <= m {
                let c0 = c + (i &* ldc &+ j), c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
                var x0 = load(c0), y0 = load(c0 + 8), x1 = load(c1), y1 = load(c1 + 8)
                var x2 = load(c2), y2 = load(c2 + 8), x3 = load(c3), y3 = load(c3 + 8)
                let a0 = a + i &* lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
                var bp = b + j
                for p in 0..<k {
                    let b0 = load(bp), b1 = load(bp + 8)
                    let s0 = V(repeating: a0[p]), s1 = V(repeating: a1[p]), s2 = V(repeating: a2[p]), s3 = V(repeating: a3[p])
                    x0.addProduct(s0, b0); y0.addProduct(s0, b1)
                    x1.addProduct(s1, b0); y1.addProduct(s1, b1)
                    x2.addProduct(s2, b0); y2.addProduct(s2, b1)
                    x3.addProduct(s3, b0); y3.addProduct(s3, b1)
                    bp += ldb
                }
                store(x0, c0); store(y0, c0 + 8); store(x1, c1); store(y1, c1 + 8)
                store(x2, c2); store(y2, c2 + 8); store(x3, c3); store(y3, c3 + 8)
                i &+= 4
            }
            while i < m {
                let c0 = c + (i &* ldc &+ j), a0 = a + i &* lda
                var x0 = load(c0), y0 = load(c0 + 8)
                var bp = b + j
                for p in 0..<k {
                    let s0 = V(repeating: a0[p])
                    x0.addProduct(s0, load(bp)); y0.addProduct(s0, load(bp + 8))
                    bp += ldb
                }
                store(x0, c0); store(y0, c0 + 8)
                i &+= 1
            }
            j &+= 16
        }
        // Columns left over (n not a multiple of 16): plain loops.
        if j < n {
            for i in 0..<m {
                for p in 0..<k {
                    let s = a[i &* lda &+ p]
                    let row = b + p &* ldb
                    for q in j..<n { c[i &* ldc &+ q] += s * row[q] }
                }
            }
        }
    }

    /// The naive reference: C += A·B in Double.
    public static func referenceMultiplyAdd(m: Int, n: Int, k: Int, a: [Float], b: [Float], c: inout [Float]) {
        for i in 0..<m {
            for q in 0..<n {
                var sum = Double(c[i * n + q])
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + q]) }
                c[i * n + q] = Float(sum)
            }
        }
    }
}
