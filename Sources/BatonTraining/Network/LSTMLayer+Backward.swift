import BatonCore

extension LSTMLayer {
    /// Backpropagation through time over the window, walking t from T−1 down to 0.
    ///
    /// - `outputGradients` `[T, B, H]`: ∂loss/∂h_t from above (overwritten: the recurrent
    ///   gradient is added into it in place).
    /// - `dense` `[T·B, I]` or `symbols` `[T·B]` (and `symbolMask`): the input the forward pass saw.
    /// - `inputGradients` `[T·B, I]`: set (not accumulated) to ∂loss/∂x when non-nil.
    /// - Parameter gradients are accumulated (`+=`) into `g` at this layer's offsets.
    ///
    /// Gradients do not flow into the initial state (truncated BPTT).
    func backward(
        outputGradients dH: UnsafeMutablePointer<Float>, dense x: UnsafePointer<Float>?, symbols: UnsafePointer<Int32>?,
        symbolMask: UnsafePointer<Float>? = nil, inputGradients dX: UnsafeMutablePointer<Float>?, parameters p: UnsafePointer<Float>,
        gradients g: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let h = units, g4 = 4 * units, n = steps * rows
        let dZ = gateGradients.pointer
        RowParallel.run(rows: rows, parts: threads) { range in
            backwardThroughTime(outputGradients: dH, parameters: p, rows: range)
        }
        // ∂W_hh += dZᵀ · [h_0 … h_{T−1}]   ([4H, T·B] × [T·B, H]), through the DropConnect mask if any
        if recurrentWeightsDropped, let mask = recurrentMask?.pointer, let scratch = recurrentGradient?.pointer {
            ParallelGemm.gemm(transposeA: true, m: g4, n: h, k: n, a: dZ, lda: g4, b: hidden.pointer, ldb: h,
                              beta: 0, c: scratch, ldc: h, threads: threads)
            let gw = g + weightHH
            for i in 0..<(g4 * h) { gw[i] += scratch[i] * mask[i] }
        } else {
            ParallelGemm.gemm(transposeA: true, m: g4, n: h, k: n, a: dZ, lda: g4, b: hidden.pointer, ldb: h,
                              beta: 1, c: g + weightHH, ldc: h, threads: threads)
        }
        // Both biases receive the column sums of dZ.
        let sums = biasGradient.pointer
        biasGradient.zero()
        for r in 0..<n {
            let row = dZ + r * g4
            for j in 0..<g4 { sums[j] += row[j] }
        }
        for j in 0..<g4 {
            g[biasIH + j] += sums[j]
            g[biasHH + j] += sums[j]
        }
        if let x {
            // ∂W_ih += dZᵀ · X   ([4H, T·B] × [T·B, I])
            ParallelGemm.gemm(transposeA: true, m: g4, n: inputSize, k: n, a: dZ, lda: g4, b: x, ldb: inputSize,
                      beta: 1, c: g + weightIH, ldc: inputSize, threads: threads)
            if let dX {
                // ∂X = dZ · W_ih   ([T·B, 4H] × [4H, I])
                ParallelGemm.gemm(m: n, n: inputSize, k: g4, a: dZ, lda: g4, b: p + weightIH, ldb: inputSize,
                          beta: 0, c: dX, ldc: inputSize, threads: threads)
            }
        } else if let symbols {
            accumulateSymbolGradients(gateGradients: dZ, symbols: symbols, mask: symbolMask, parameters: p, gradients: g, threads: threads)
        }
    }

    /// The reverse walk over time for a range of rows: fills `gateGradients` for them.
    private func backwardThroughTime(outputGradients dH: UnsafeMutablePointer<Float>, parameters p: UnsafePointer<Float>, rows range: Range<Int>) {
        let h = units, g4 = 4 * units, bh = rows * units
        let first = range.lowerBound, count = range.count
        let dZ = gateGradients.pointer, w = recurrentWeights(p)
        let dcNext = carriedCellGradient.pointer + first * h
        dcNext.update(repeating: 0, count: count * h)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let dh = dH + t * bh + first * h
            if t < steps - 1 {
                // dh_t += dz_{t+1} · W_hh  ([B, 4H] × [4H, H])
                if recurrentTransposed != nil {
                    SmallGemm.multiplyAdd(m: count, n: h, k: g4, a: dZ + ((t + 1) * rows + first) * g4, lda: g4, b: w, ldb: h, c: dh, ldc: h)
                } else {
                    BLAS.gemm(m: count, n: h, k: g4, a: dZ + ((t + 1) * rows + first) * g4, lda: g4, b: w, ldb: h,
                              beta: 1, c: dh, ldc: h)
                }
            }
            let z = gates.pointer + (t * rows + first) * g4
            let cPrev = (t == 0 ? initialCell.pointer : cells.pointer + (t - 1) * bh) + first * h
            let tc = cellTanh.pointer + t * bh + first * h
            let dz = dZ + (t * rows + first) * g4
            for b in 0..<count {
                Self.backwardCell(z: z + b * g4, cPrev: cPrev + b * h, cellTanh: tc + b * h, dh: dh + b * h,
                                  dcNext: dcNext + b * h, dz: dz + b * g4, units: h)
            }
        }
    }

    /// One row of the cell's backward step. In: activated gates, c_{t−1}, tanh(c_t), ∂h_t,
    /// ∂c_{t+1} carried back. Out: ∂ of the four gate pre-activations, and the carried ∂c_t·f.
    @inline(__always)
    static func backwardCell(
        z: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, cellTanh: UnsafePointer<Float>, dh: UnsafePointer<Float>,
        dcNext: UnsafeMutablePointer<Float>, dz: UnsafeMutablePointer<Float>, units h: Int
    ) {
        for j in 0..<h {
            let i = z[j], f = z[h &+ j], gg = z[2 &* h &+ j], o = z[3 &* h &+ j]
            let tc = cellTanh[j], dhj = dh[j]
            let dc = dhj * o * (1 - tc * tc) + dcNext[j]
            dcNext[j] = dc * f
            dz[j] = dc * gg * i * (1 - i)
            dz[h &+ j] = dc * cPrev[j] * f * (1 - f)
            dz[2 &* h &+ j] = dc * i * (1 - gg * gg)
            dz[3 &* h &+ j] = dhj * tc * o * (1 - o)
        }
    }
}
