import Foundation
import BatonCore

/// One LSTM layer over a whole window for training: T steps of B rows at once.
///
/// Legend: T time steps, B batch rows, I input width, H units. Buffers are time-major
/// (`[T, B, ·]`). Gates along 4H in the order i, f, g, o (`ParameterLayout.Gate`).
///
/// Forward caches what backward needs: the activated gates, the cell states, tanh of the
/// cell states, and every hidden state including the initial one. The state at the end
/// of a window becomes the initial state of the next (truncated BPTT over stateful batches).
final class LSTMLayer {
    let steps: Int, rows: Int, inputSize: Int, units: Int
    /// Parameter offsets in the model's flat buffer.
    let weightIH: Int, weightHH: Int, biasIH: Int, biasHH: Int
    /// Activated gates i, f, g, o `[T, B, 4H]`.
    let gates: FloatBuffer
    /// Cell states `[T, B, H]` and their tanh.
    let cells: FloatBuffer, cellTanh: FloatBuffer
    /// Hidden states `[T + 1, B, H]`; index 0 is the initial state.
    let hidden: FloatBuffer
    /// Initial cell state `[B, H]`.
    let initialCell: FloatBuffer
    /// Gradients w.r.t. gate pre-activations `[T, B, 4H]`.
    let gateGradients: FloatBuffer
    /// W_hhᵀ `[H, 4H]`, refreshed every forward pass, for `SmallGemm` (see `usesSmallGemm`).
    let recurrentTransposed: FloatBuffer?
    /// Backward scratch: ∂c carried from t+1 `[B, H]`, bias gradient sums `[4H]`.
    let carriedCellGradient: FloatBuffer, biasGradient: FloatBuffer
    /// Symbol input (text, layer 0), V symbols: the gate contribution of every symbol
    /// `[V, 4H]` (see `LSTMLayer+SymbolInput`) and its gradient accumulator.
    let symbolCount: Int?
    let symbolTable: FloatBuffer?, symbolTableGradients: FloatBuffer?
    /// Offset of `embed.weight` `[V, E]` when the symbols go through an embedding.
    let embeddingOffset: Int?
    /// DropConnect on W_hh (`LSTMLayer+WeightDrop`): mask, masked copy, gradient scratch `[4H, H]`.
    let recurrentMask: FloatBuffer?, droppedRecurrent: FloatBuffer?, recurrentGradient: FloatBuffer?
    /// Whether the current window runs on the masked copy.
    var recurrentWeightsDropped = false

    /// - `symbols`: V when this layer reads symbols (text layer 0), through the embedding
    ///   when the layout has one (then `inputSize` is E), as one-hot otherwise (`inputSize` = V).
    /// - `weightDrop`: reserve the buffers DropConnect on W_hh needs.
    init(steps: Int, rows: Int, inputSize: Int, units: Int, symbols: Int?, weightDrop: Bool = false, layout: ParameterLayout, layer: Int) {
        self.steps = steps
        self.rows = rows
        self.inputSize = inputSize
        self.units = units
        weightIH = layout.weightIH(layer).offset
        weightHH = layout.weightHH(layer).offset
        biasIH = layout.biasIH(layer).offset
        biasHH = layout.biasHH(layer).offset
        symbolCount = symbols
        embeddingOffset = symbols != nil ? layout.embedding?.offset : nil
        gates = FloatBuffer(count: steps * rows * 4 * units)
        cells = FloatBuffer(count: steps * rows * units)
        cellTanh = FloatBuffer(count: steps * rows * units)
        hidden = FloatBuffer(count: (steps + 1) * rows * units)
        initialCell = FloatBuffer(count: rows * units)
        gateGradients = FloatBuffer(count: steps * rows * 4 * units)
        recurrentTransposed = Self.usesSmallGemm(units: units) ? FloatBuffer(count: units * 4 * units) : nil
        carriedCellGradient = FloatBuffer(count: rows * units)
        biasGradient = FloatBuffer(count: 4 * units)
        symbolTable = symbols.map { FloatBuffer(count: $0 * 4 * units) }
        symbolTableGradients = symbols.map { FloatBuffer(count: $0 * 4 * units) }
        recurrentMask = weightDrop ? FloatBuffer(count: 4 * units * units) : nil
        droppedRecurrent = weightDrop ? FloatBuffer(count: 4 * units * units) : nil
        recurrentGradient = weightDrop ? FloatBuffer(count: 4 * units * units) : nil
    }

    /// Below this many units the per-step products go to `SmallGemm` instead of BLAS: at
    /// these sizes OpenBLAS spends more time packing than multiplying (measured with
    /// `baton-bench train`, see docs/benchmarks.md).
    static func usesSmallGemm(units: Int) -> Bool {
        if let forced = ProcessInfo.processInfo.environment["BATON_SMALL_GEMM_UNITS"], let limit = Int(forced) { return units <= limit }
        return units <= 128
    }

    /// Outputs h_1…h_T as one `[T·B, H]` block.
    var outputs: UnsafeMutablePointer<Float> { hidden.pointer + rows * units }

    /// Zero state for every row.
    func resetState() {
        hidden.pointer.update(repeating: 0, count: rows * units)
        initialCell.zero()
    }

    /// Makes the final state of the last window the initial state of the next.
    func carryStateForward() {
        let bh = rows * units
        hidden.pointer.update(from: hidden.pointer + steps * bh, count: bh)
        initialCell.pointer.update(from: cells.pointer + (steps - 1) * bh, count: bh)
    }

    /// Zeroes the state of one batch row (a new sequence starts there).
    func resetRow(_ b: Int) {
        (hidden.pointer + b * units).update(repeating: 0, count: units)
        (initialCell.pointer + b * units).update(repeating: 0, count: units)
    }

    /// Sets `gates` to the bias, then adds the input contribution: `x · W_ihᵀ` for a dense
    /// `[T·B, I]` input, or the symbol's row of the symbol table (built here, with symbol
    /// dropout `symbolMask` `[V]` applied when given) for symbol input.
    func addInputProjection(
        dense x: UnsafePointer<Float>?, symbols: UnsafePointer<Int32>?, symbolMask: UnsafePointer<Float>? = nil,
        parameters p: UnsafePointer<Float>, threads: Int
    ) {
        let g4 = 4 * units, n = steps * rows
        let z = gates.pointer
        for r in 0..<n {
            let row = z + r * g4
            for j in 0..<g4 { row[j] = p[biasIH + j] + p[biasHH + j] }
        }
        if let x {
            ParallelGemm.gemm(transposeB: true, m: n, n: g4, k: inputSize, a: x, lda: inputSize,
                      b: p + weightIH, ldb: inputSize, beta: 1, c: z, ldc: g4, threads: threads)
        } else if let symbols, let table = symbolTable?.pointer {
            buildSymbolTable(parameters: p, mask: symbolMask, threads: threads)
            for r in 0..<n {
                let column = table + Int(symbols[r]) * g4, row = z + r * g4
                for j in 0..<g4 { row[j] += column[j] }
            }
        }
    }
}
