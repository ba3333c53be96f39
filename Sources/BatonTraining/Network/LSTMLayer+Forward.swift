import BatonCore
import Foundation

extension LSTMLayer {
    /// Runs the recurrence over the window. `addInputProjection` must have filled `gates`
    /// with the bias and input contribution; each step adds `h_{t-1} · W_hhᵀ` (one sgemm of
    /// `[B, H] × [H, 4H]`), then activates the gates and updates c and h in place.
    /// Rows are split across `threads` (see `RowParallel`).
    func forwardRecurrence(parameters p: UnsafePointer<Float>, threads: Int) {
        if let t = recurrentTransposed?.pointer {
            let w = recurrentWeights(p), g4 = 4 * units
            for r in 0..<g4 { for c in 0..<units { t[c * g4 + r] = w[r * units + c] } }
        }
        RowParallel.run(rows: rows, parts: threads) { range in
            forwardRecurrence(parameters: p, rows: range)
        }
    }

    private func forwardRecurrence(parameters p: UnsafePointer<Float>, rows range: Range<Int>) {
        let h = units, g4 = 4 * units, bh = rows * units
        let first = range.lowerBound, count = range.count
        for t in 0..<steps {
            let z = gates.pointer + (t * rows + first) * g4
            if let w = recurrentTransposed?.pointer {
                SmallGemm.multiplyAdd(m: count, n: g4, k: h, a: hidden.pointer + t * bh + first * h, lda: h, b: w, ldb: g4, c: z, ldc: g4)
            } else {
                BLAS.gemm(transposeB: true, m: count, n: g4, k: h, a: hidden.pointer + t * bh + first * h, lda: h,
                          b: recurrentWeights(p), ldb: h, beta: 1, c: z, ldc: g4)
            }
            let cPrev = (t == 0 ? initialCell.pointer : cells.pointer + (t - 1) * bh) + first * h
            let c = cells.pointer + t * bh + first * h, tc = cellTanh.pointer + t * bh + first * h
            let hOut = hidden.pointer + (t + 1) * bh + first * h
            for b in 0..<count {
                Self.forwardCell(z: z + b * g4, cPrev: cPrev + b * h, c: c + b * h, cellTanh: tc + b * h,
                                 hidden: hOut + b * h, units: h)
            }
        }
    }

    /// Activates one row's gates in place and updates its cell:
    /// i, f, o = σ(·), g = tanh(·); c = f⊙c_prev + i⊙g; h = o⊙tanh(c).
    @inline(__always)
    static func forwardCell(
        z: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, units h: Int
    ) {
        typealias V = SIMD8<Float>
        func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var j = 0
        while j &+ 8 <= h {
            let i = VectorMath.sigmoid(load(z + j)), f = VectorMath.sigmoid(load(z + (h &+ j)))
            let g = VectorMath.tanh(load(z + (2 &* h &+ j))), o = VectorMath.sigmoid(load(z + (3 &* h &+ j)))
            store(i, z + j); store(f, z + (h &+ j)); store(g, z + (2 &* h &+ j)); store(o, z + (3 &* h &+ j))
            let cNew = (f * load(cPrev + j)).addingProduct(i, g)
            let tc = VectorMath.tanh(cNew)
            store(cNew, c + j); store(tc, cellTanh + j); store(o * tc, hidden + j)
            j &+= 8
        }
        while j < h {
            let i = VectorMath.sigmoid(z[j]), f = VectorMath.sigmoid(z[h + j])
            let g = VectorMath.tanh(z[2 * h + j]), o = VectorMath.sigmoid(z[3 * h + j])
            z[j] = i; z[h + j] = f; z[2 * h + j] = g; z[3 * h + j] = o
            c[j] = f * cPrev[j] + i * g
            cellTanh[j] = VectorMath.tanh(c[j])
            hidden[j] = o * cellTanh[j]
            j += 1
        }
    }
}
