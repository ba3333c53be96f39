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

    /// Activates one row's gates in place and updates its cell with `LSTMCell.gates` and
    /// `LSTMCell.state` (the stepper's definition): i, f, o = σ(·), g = tanh(·); c = f⊙c_prev + i⊙g; h = o⊙tanh(c).
    /// Units past the last multiple of 8 run the same lanes on one value each.
    @inline(__always)
    static func forwardCell(
        z: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        cellTanh: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, units h: Int
    ) {
        typealias V = LSTMCell.Vector
        func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var j = 0
        while j &+ 8 <= h {
            let a = LSTMCell.gates(input: load(z + j), forget: load(z + (h &+ j)), candidate: load(z + (2 &* h &+ j)), output: load(z + (3 &* h &+ j)))
            store(a.i, z + j); store(a.f, z + (h &+ j)); store(a.g, z + (2 &* h &+ j)); store(a.o, z + (3 &* h &+ j))
            let s = LSTMCell.state(a, previousCell: load(cPrev + j))
            store(s.cell, c + j); store(s.cellTanh, cellTanh + j); store(s.hidden, hidden + j)
            j &+= 8
        }
        while j < h {
            let a = LSTMCell.gates(input: V(repeating: z[j]), forget: V(repeating: z[h + j]), candidate: V(repeating: z[2 * h + j]),
                                   output: V(repeating: z[3 * h + j]))
            z[j] = a.i[0]; z[h + j] = a.f[0]; z[2 * h + j] = a.g[0]; z[3 * h + j] = a.o[0]
            let s = LSTMCell.state(a, previousCell: V(repeating: cPrev[j]))
            c[j] = s.cell[0]; cellTanh[j] = s.cellTanh[0]; hidden[j] = s.hidden[0]
            j += 1
        }
    }
}
