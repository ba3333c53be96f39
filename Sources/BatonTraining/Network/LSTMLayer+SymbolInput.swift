import BatonCore

/// Symbol input for layer 0 of a text model, one-hot or through a learned embedding, at
/// the cost of one-hot input.
///
/// The input contribution of symbol s is row s of the table S = M·X·W_ihᵀ `[V, 4H]`, where
/// X is the identity (one-hot, W_ih `[4H, V]`) or the embedding E `[V, E]` (W_ih `[4H, E]`)
/// and M = diag(m) is the symbol-dropout mask (Gal & Ghahramani 2016's embedding dropout:
/// a dropped symbol reads zeros for the whole window), or the identity.
///
/// The factorised embedding trains faster than one-hot input (measured in
/// docs/decisions.md), and the table keeps it cheap: building S costs V·E·4H multiply-adds
/// per window and folding its gradient 2·V·E·4H, against N·E·4H for each of the three
/// products a dense input would need (N = T·B positions; 8192 ≫ V = 256 at the defaults).
/// The stepper folds the same table once at load, so inference runs as for one-hot input.
extension LSTMLayer {
    /// Fills `symbolTable` with S for the current parameters and mask.
    func buildSymbolTable(parameters p: UnsafePointer<Float>, mask: UnsafePointer<Float>?, threads: Int) {
        guard let v = symbolCount, let table = symbolTable?.pointer else { preconditionFailure("buildSymbolTable on a dense-input layer") }
        let g4 = 4 * units, w = p + weightIH
        if let embeddingOffset {
            // S = E · W_ihᵀ   ([V, E] × [E, 4H])
            ParallelGemm.gemm(transposeB: true, m: v, n: g4, k: inputSize, a: p + embeddingOffset, lda: inputSize,
                              b: w, ldb: inputSize, beta: 0, c: table, ldc: g4, threads: threads)
        } else {
            // W_ih is [4H, V]: transpose so each symbol's column is a contiguous row.
            for j in 0..<g4 { for s in 0..<v { table[s * g4 + j] = w[j * v + s] } }
        }
        if let mask {
            for s in 0..<v where mask[s] != 1 {
                let row = table + s * g4, m = mask[s]
                for j in 0..<g4 { row[j] *= m }
            }
        }
    }

    /// Accumulates ∂S from the gate gradients `dZ` `[T·B, 4H]` of the positions that read
    /// each symbol, then folds it into the parameter gradients:
    /// one-hot ∂W_ih[j, s] += (M·∂S)[s, j]; embedding ∂W_ih += (M·∂S)ᵀ·E, ∂E += M·∂S·W_ih.
    func accumulateSymbolGradients(
        gateGradients dZ: UnsafePointer<Float>, symbols: UnsafePointer<Int32>, mask: UnsafePointer<Float>?,
        parameters p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>, threads: Int
    ) {
        guard let v = symbolCount, let dS = symbolTableGradients?.pointer else {
            preconditionFailure("accumulateSymbolGradients on a dense-input layer")
        }
        let g4 = 4 * units, n = steps * rows
        dS.update(repeating: 0, count: v * g4)
        for r in 0..<n {
            let row = dS + Int(symbols[r]) * g4, src = dZ + r * g4
            for j in 0..<g4 { row[j] += src[j] }
        }
        if let mask {
            for s in 0..<v where mask[s] != 1 {
                let row = dS + s * g4, m = mask[s]
                for j in 0..<g4 { row[j] *= m }
            }
        }
        if let embeddingOffset {
            // ∂W_ih += ∂Sᵀ · E   ([4H, V] × [V, E]);  ∂E += ∂S · W_ih   ([V, 4H] × [4H, E])
            ParallelGemm.gemm(transposeA: true, m: g4, n: inputSize, k: v, a: dS, lda: g4, b: p + embeddingOffset, ldb: inputSize,
                              beta: 1, c: g + weightIH, ldc: inputSize, threads: threads)
            ParallelGemm.gemm(m: v, n: inputSize, k: g4, a: dS, lda: g4, b: p + weightIH, ldb: inputSize,
                              beta: 1, c: g + embeddingOffset, ldc: inputSize, threads: threads)
        } else {
            let w = g + weightIH
            for j in 0..<g4 { for s in 0..<v { w[j * v + s] += dS[s * g4 + j] } }
        }
    }
}
