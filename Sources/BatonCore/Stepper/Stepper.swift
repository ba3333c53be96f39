/// Advances a model one input at a time with no allocation per step: the inference engine
/// behind sampling, ensembles and the live server.
///
/// Weights are repacked at init for single-vector products: per layer one matrix
/// `[4Hp, Ip + Hp]` over the concatenated `[x | h]`, gate blocks of Hp = H rounded up to
/// 16 (padding rows are zero, so padded units stay at h = c = 0). Text input skips the
/// input product: layer 0 reads row `symbol` of a `[256, 4Hp]` table holding
/// `W_ih[:, symbol] + b_ih + b_hh` (one-hot) or `W_ih · E[symbol] + b_ih + b_hh` (a learned
/// embedding, folded once here), so an embedding costs nothing per step.
///
/// Not thread-safe: one stepper per thread of control (an ensemble owns one per model).
public final class Stepper: @unchecked Sendable {
    /// The architecture of the model it runs.
    public let config: ModelConfig
    /// Continuous models: applied to every input, so callers speak in data units.
    public let normalisation: Normalisation?
    /// How the packed weights are stored.
    public let precision: WeightPrecision
    /// Units padded to the kernel width.
    let paddedUnits: Int
    /// Padded width of each layer's input part in `inputs[l]` (0 for one-hot layer 0).
    let inputWidths: [Int]
    let matrices: [PackedMatrix]
    let biases: [FloatBuffer]
    /// Text models: layer 0's gate pre-activations for every symbol `[256, 4Hp]`.
    let symbolTable: FloatBuffer?
    let head: PackedMatrix
    let headBias: FloatBuffer
    /// Per layer `[x (inputWidths[l]) | h (Hp)]`: the product's input, and where h lives.
    let inputs: [FloatBuffer]
    let cells: [FloatBuffer]
    let gates: FloatBuffer
    let outputBuffer: FloatBuffer

    /// Packs the model's weights once, at `precision`, and starts at the zero state.
    public init(model: Model, precision: WeightPrecision = .float32) {
        let config = model.config
        let layout = model.layout
        let p = model.parameters
        let h = config.units
        let hp = PackedMatrix.paddedWidth(h)
        self.config = config
        self.normalisation = model.normalisation
        self.precision = precision
        self.paddedUnits = hp

        // Gate row r of the packed layout ↔ source row (gate·H + unit), or none for padding.
        func sourceRow(_ r: Int) -> Int? {
            let gate = r / hp, unit = r % hp
            return unit < h ? gate * h + unit : nil
        }
        var widths: [Int] = []
        var matrices: [PackedMatrix] = []
        var biases: [FloatBuffer] = []
        for l in 0..<config.layers {
            let inSize = config.lstmInputSize(l)
            let inWidth = (l == 0 && config.kind == .text) ? 0 : PackedMatrix.paddedWidth(inSize)
            let wih = layout.weightIH(l).offset, whh = layout.weightHH(l).offset
            matrices.append(PackedMatrix(rows: 4 * hp, columns: inWidth + hp, precision: precision) { r, c in
                guard let s = sourceRow(r) else { return 0 }
                if c < inWidth { return c < inSize ? p[wih + s * inSize + c] : 0 }
                let u = c - inWidth
                return u < h ? p[whh + s * h + u] : 0
            })
            let bias = FloatBuffer(count: 4 * hp)
            let bih = layout.biasIH(l).offset, bhh = layout.biasHH(l).offset
            for r in 0..<(4 * hp) { if let s = sourceRow(r) { bias.pointer[r] = p[bih + s] + p[bhh + s] } }
            widths.append(inWidth)
            biases.append(bias)
        }
        symbolTable = config.kind == .text ? Self.symbolTable(model, bias: biases[0], paddedUnits: hp, sourceRow: sourceRow) : nil
        self.inputWidths = widths
        self.matrices = matrices
        self.biases = biases
        let o = config.head.outputSize, hw = layout.headWeight.offset
        head = PackedMatrix(rows: o, columns: hp, precision: precision) { r, c in c < h ? p[hw + r * h + c] : 0 }
        headBias = FloatBuffer(Array(p[layout.headBias.range]))
        inputs = widths.map { FloatBuffer(count: $0 + hp) }
        cells = widths.map { _ in FloatBuffer(count: hp) }
        gates = FloatBuffer(count: 4 * hp)
        outputBuffer = FloatBuffer(count: o)
    }

    /// Layer 0's input product and bias for every symbol, in the packed gate layout.
    /// X = I (one-hot: W_ih is `[4H, V]`) or E (`[V, E]`, W_ih `[4H, E]`): rows of X·W_ihᵀ.
    private static func symbolTable(_ model: Model, bias: FloatBuffer, paddedUnits hp: Int, sourceRow: (Int) -> Int?) -> FloatBuffer {
        let config = model.config, layout = model.layout, v = config.inputSize, g4 = 4 * config.units
        var product = [Float](repeating: 0, count: v * g4)
        model.parameters.withUnsafeBufferPointer { p in
            let w = p.baseAddress! + layout.weightIH(0).offset
            if let e = config.embedding, let slot = layout.embedding {
                // E · W_ihᵀ with the core's own kernel (BLAS lives in BatonTraining): W_ih transposed to [E, 4H] first.
                var transposed = [Float](repeating: 0, count: e * g4)
                for j in 0..<g4 { for c in 0..<e { transposed[c * g4 + j] = w[j * e + c] } }
                product.withUnsafeMutableBufferPointer { out in
                    SmallGemm.multiplyAdd(m: v, n: g4, k: e, a: p.baseAddress! + slot.offset, lda: e, b: transposed, ldb: g4,
                                          c: out.baseAddress!, ldc: g4)
                }
            } else {
                for j in 0..<g4 { for s in 0..<v { product[s * g4 + j] = w[j * v + s] } }
            }
        }
        let table = FloatBuffer(count: v * 4 * hp)
        for symbol in 0..<v {
            for r in 0..<(4 * hp) {
                if let s = sourceRow(r) { table.pointer[symbol * 4 * hp + r] = product[symbol * g4 + s] + bias.pointer[r] }
            }
        }
        return table
    }

    /// Takes over another stepper's recurrent state (same architecture): used when adapted
    /// weights replace a live model's between two steps, so the music does not restart.
    public func copyState(from other: Stepper) {
        precondition(other.config == config, "copyState: architectures differ")
        for l in inputs.indices {
            inputs[l].pointer.update(from: other.inputs[l].pointer, count: inputs[l].count)
            cells[l].pointer.update(from: other.cells[l].pointer, count: cells[l].count)
        }
        outputBuffer.pointer.update(from: other.outputBuffer.pointer, count: outputBuffer.count)
    }

    /// Zero state: h = c = 0 in every layer.
    public func reset() {
        for buffer in inputs { buffer.zero() }
        for buffer in cells { buffer.zero() }
    }

    /// The head's raw output after the last step (logits for text; mixture parameters
    /// before their activations for control and strokes). Valid until the next step.
    public var output: UnsafeBufferPointer<Float> { UnsafeBufferPointer(outputBuffer.buffer) }

    /// Hidden state h of one layer (H values).
    public func hidden(layer: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: inputs[layer].pointer + inputWidths[layer], count: config.units))
    }

    /// Cell state c of one layer (H values).
    public func cell(layer: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: cells[layer].pointer, count: config.units))
    }

    /// Bytes of weights one step streams through (for benchmarks and `baton info`).
    public var weightBytes: Int { matrices.reduce(head.byteCount) { $0 + $1.byteCount } }
}
