/// Storage element of a packed matrix: loads eight consecutive values as Float lanes.
public protocol PackedWeight {
    /// Eight consecutive stored values from `base + offset`, widened to Float.
    static func load8(_ base: UnsafePointer<Self>, _ offset: Int) -> SIMD8<Float>
}

extension Float: PackedWeight {
    /// Eight Floats, loaded unaligned.
    @inline(__always)
    public static func load8(_ base: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
        UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD8<Float>.self)
    }
}

extension Float16: PackedWeight {
    /// Eight halves, converted to Float.
    @inline(__always)
    public static func load8(_ base: UnsafePointer<Float16>, _ offset: Int) -> SIMD8<Float> {
        // Lane by lane so that LLVM sees eight scalar conversions and fuses them into one
        // vcvtph2ps; the stdlib's generic SIMD conversion is not always inlined and then
        // costs a call per load.
        let h = UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD8<Float16>.self)
        return SIMD8<Float>(Float(h[0]), Float(h[1]), Float(h[2]), Float(h[3]),
                            Float(h[4]), Float(h[5]), Float(h[6]), Float(h[7]))
    }
}

/// Single-vector matrix products for the stepper. Single-threaded: at these sizes
/// (≤ 2048 × 1024) a BLAS call's overhead and a thread hand-off cost more than the work.
public enum MatrixVector {
    /// y[r] += Σ_c W[r·stride + c] · x[c], r < rows, c < stride (stride a multiple of 16).
    ///
    /// Four rows at a time, two 8-lane chunks per iteration: eight independent FMA chains
    /// hide the FMA latency, and each x chunk is loaded once for four rows.
    @inline(__always)
    public static func multiplyAdd<W: PackedWeight>(
        rows: Int, stride: Int, weights: UnsafePointer<W>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    ) {
        precondition(stride % 16 == 0, "MatrixVector: stride \(stride) is not a multiple of 16")
        var r = 0
        while r &+ 4 <= rows {
            let w0 = weights + r &* stride
            let w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
            var c = 0
            while c < stride {
                let xa = Float.load8(x, c)
                let xb = Float.load8(x, c &+ 8)
                a0.addProduct(W.load8(w0, c), xa); b0.addProduct(W.load8(w0, c &+ 8), xb)
                a1.addProduct(W.load8(w1, c), xa); b1.addProduct(W.load8(w1, c &+ 8), xb)
                a2.addProduct(W.load8(w2, c), xa); b2.addProduct(W.load8(w2, c &+ 8), xb)
                a3.addProduct(W.load8(w3, c), xa); b3.addProduct(W.load8(w3, c &+ 8), xb)
                c &+= 16
            }
            y[r] += horizontalSum(a0 + b0)
            y[r &+ 1] += horizontalSum(a1 + b1)
            y[r &+ 2] += horizontalSum(a2 + b2)
            y[r &+ 3] += horizontalSum(a3 + b3)
            r &+= 4
        }
        while r < rows {
            let w = weights + r &* stride
            var a = SIMD8<Float>(), b = SIMD8<Float>()
            var c = 0
            while c < stride {
                a.addProduct(W.load8(w, c), Float.load8(x, c))
                b.addProduct(W.load8(w, c &+ 8), Float.load8(x, c &+ 8))
                c &+= 16
            }
            y[r] += horizontalSum(a + b)
            r &+= 1
        }
    }

    /// y[r] += scale[r] · Σ_c W[r·stride + c] · x[c] for int8 weights: the same blocking as
    /// `multiplyAdd`, the row scale applied once to each finished dot product.
    @inline(__always)
    public static func multiplyAddScaled(
        rows: Int, stride: Int, weights: UnsafePointer<Int8>, scales: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    ) {
        precondition(stride % 16 == 0, "MatrixVector: stride \(stride) is not a multiple of 16")
        @inline(__always) func load8(_ p: UnsafePointer<Int8>) -> SIMD8<Float> {
            // Lane by lane, so LLVM emits one vpmovsxbd + vcvtdq2ps.
            let b = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int8>.self)
            return SIMD8<Float>(Float(b[0]), Float(b[1]), Float(b[2]), Float(b[3]), Float(b[4]), Float(b[5]), Float(b[6]), Float(b[7]))
        }
        var r = 0
        while r &+ 4 <= rows {
            let w0 = weights + r &* stride
            let w1 = w0 + stride, w2 = w1 + stride, w3 = w2 + stride
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
            var c = 0
            while c < stride {
                let xa = Float.load8(x, c), xb = Float.load8(x, c &+ 8)
                a0.addProduct(load8(w0 + c), xa); b0.addProduct(load8(w0 + (c &+ 8)), xb)
                a1.addProduct(load8(w1 + c), xa); b1.addProduct(load8(w1 + (c &+ 8)), xb)
                a2.addProduct(load8(w2 + c), xa); b2.addProduct(load8(w2 + (c &+ 8)), xb)
                a3.addProduct(load8(w3 + c), xa); b3.addProduct(load8(w3 + (c &+ 8)), xb)
                c &+= 16
            }
            y[r] += scales[r] * horizontalSum(a0 + b0)
            y[r &+ 1] += scales[r &+ 1] * horizontalSum(a1 + b1)
            y[r &+ 2] += scales[r &+ 2] * horizontalSum(a2 + b2)
            y[r &+ 3] += scales[r &+ 3] * horizontalSum(a3 + b3)
            r &+= 4
        }
        while r < rows {
            let w = weights + r &* stride
            var a = SIMD8<Float>()
            var c = 0
            while c < stride {
                a.addProduct(load8(w + c), Float.load8(x, c))
                a.addProduct(load8(w + (c &+ 8)), Float.load8(x, c &+ 8))
                c &+= 16
            }
            y[r] += scales[r] * horizontalSum(a)
            r &+= 1
        }
    }

    @inline(__always)
    static func horizontalSum(_ v: SIMD8<Float>) -> Float {
        let half = v.lowHalf + v.highHalf
        let quarter = half.lowHalf + half.highHalf
        return quarter[0] + quarter[1]
    }

    /// The naive reference: y[r] += Σ_c W[r][c] · x[c] in Double, no packing.
    public static func referenceMultiplyAdd(rows: Int, columns: Int, weights: [Float], x: [Float], y: inout [Float]) {
        precondition(weights.count == rows * columns && x.count >= columns && y.count >= rows,
                     "referenceMultiplyAdd: W \(weights.count) for [\(rows), \(columns)], x \(x.count), y \(y.count)")
        for r in 0..<rows {
            var sum = 0.0
            for c in 0..<columns { sum += Double(weights[r * columns + c]) * Double(x[c]) }
            y[r] += Float(sum)
        }
    }
}
