import BatonCore

/// The whole model unrolled over a window for training: input (one-hot, embedding or
/// vectors) → LSTM layers with dropout → linear head → loss.
///
/// Dropout (`DropoutSettings`) never touches the cell: masks multiply the layers' inputs
/// and outputs, the symbol table and a copy of W_hh, drawn afresh for every training
/// window.
///
/// Legend: T steps, B rows, N = T·B positions, V symbols, H units, O head outputs.
public final class TrainingNetwork {
    public let config: ModelConfig
    public let steps: Int, rows: Int
    public let dropout: DropoutSettings
    /// Threads for the recurrence (rows split across them) and for BLAS.
    public var threads: Int
    let layout: ParameterLayout
    let layers: [LSTMLayer]
    let loss: OutputLoss
    /// Dense continuous input `[N, D]` (control and stroke models).
    let vectors: FloatBuffer?
    /// Dropout masks (0 or 1/(1−p)) and masked copies of each layer's output `[N, H]`;
    /// entry l feeds layer l+1, the last feeds the head. Empty when dropout is 0.
    let masks: [FloatBuffer], masked: [FloatBuffer]
    /// Symbol-dropout mask `[V]` (text with symbol dropout only).
    let symbolMask: FloatBuffer?
    /// Whether the last forward pass applied `symbolMask`.
    private var symbolMaskActive = false
    /// Head outputs and their gradients `[N, O]`.
    let outputs: FloatBuffer, outputGradients: FloatBuffer
    /// ∂loss/∂(layer output) `[N, H]` per layer.
    let hiddenGradients: [FloatBuffer]
    private var lastBatch: TrainingBatch?
    /// Whether `outputGradients` holds ∂loss/∂outputs (unit scale) for the last forward pass.
    private var gradientsReady = false

    public init(config: ModelConfig, steps: Int, rows: Int, dropout: DropoutSettings = DropoutSettings(), threads: Int = 1) {
        precondition(steps > 0 && rows > 0, "TrainingNetwork: window [\(steps), \(rows)] must be positive")
        for (name, rate) in [("layers", dropout.layers), ("recurrent weights", dropout.recurrentWeights), ("symbols", dropout.symbols)] {
            precondition(rate >= 0 && rate < 1, "TrainingNetwork: \(name) dropout \(rate) outside [0, 1)")
        }
        let layout = ParameterLayout(config)
        let n = steps * rows, h = config.units
        self.layout = layout
        self.config = config
        self.steps = steps
        self.rows = rows
        self.dropout = dropout
        self.threads = threads
        let symbolInput = config.kind == .text
        layers = (0..<config.layers).map { l in
            LSTMLayer(steps: steps, rows: rows, inputSize: config.lstmInputSize(l), units: h,
                      symbols: l == 0 && symbolInput ? config.inputSize : nil, weightDrop: dropout.recurrentWeights > 0,
                      layout: layout, layer: l)
        }
        switch config.head {
        case .categorical(let v): loss = SoftmaxCrossEntropy(symbols: v)
        case .mixtureDensity(let d, let k, let sigma): loss = MixtureDensityLoss(dims: d, mixtures: k, sigma: sigma)
        case .strokes(let k): loss = StrokeLoss(mixtures: k)
        }
        vectors = symbolInput ? nil : FloatBuffer(count: n * config.inputSize)
        masks = dropout.layers > 0 ? (0..<config.layers).map { _ in FloatBuffer(count: n * h) } : []
        masked = dropout.layers > 0 ? (0..<config.layers).map { _ in FloatBuffer(count: n * h) } : []
        symbolMask = symbolInput && dropout.symbols > 0 ? FloatBuffer(count: config.inputSize) : nil
        outputs = FloatBuffer(count: n * config.head.outputSize)
        outputGradients = FloatBuffer(count: n * config.head.outputSize)
        hiddenGradients = (0..<config.layers).map { _ in FloatBuffer(count: n * h) }
    }

    public func resetState() { for layer in layers { layer.resetState() } }

    public func carryStateForward() { for layer in layers { layer.carryStateForward() } }

    /// Zeroes the state of batch row `b` in every layer.
    public func resetRow(_ b: Int) { for layer in layers { layer.resetRow(b) } }

    /// What layer l+1 (or the head, for the last layer) reads from layer l.
    private func feed(_ l: Int) -> UnsafeMutablePointer<Float> {
        dropout.layers > 0 ? masked[l].pointer : layers[l].outputs
    }

    /// Runs the window forward and returns the summed loss over counted positions.
    /// With `training`, draws fresh dropout masks from `rng`.
    @discardableResult
    public func forward(_ batch: TrainingBatch, parameters: UnsafePointer<Float>, training: Bool, rng: inout SeededGenerator) -> Double {
        precondition(batch.steps == steps && batch.rows == rows, "forward: batch [\(batch.steps), \(batch.rows)] for network [\(steps), \(rows)]")
        let p = parameters, n = steps * rows, h = config.units
        symbolMaskActive = training && symbolMask != nil
        if symbolMaskActive, let mask = symbolMask {
            DropoutMask.fill(mask.pointer, count: mask.count, keep: 1 - dropout.symbols, rng: &rng)
        }
        for (l, layer) in layers.enumerated() {
            if l == 0 {
                if let vectors {
                    batch.inputVectors.withUnsafeBufferPointer { vectors.pointer.update(from: $0.baseAddress!, count: $0.count) }
                    layer.addInputProjection(dense: vectors.pointer, symbols: nil, parameters: p, threads: threads)
                } else {
                    batch.inputSymbols.withUnsafeBufferPointer {
                        layer.addInputProjection(dense: nil, symbols: $0.baseAddress, symbolMask: symbolMaskActive ? symbolMask?.pointer : nil,
                                                 parameters: p, threads: threads)
                    }
                }
            } else {
                layer.addInputProjection(dense: feed(l - 1), symbols: nil, parameters: p, threads: threads)
            }
            layer.prepareRecurrentWeights(parameters: p, keep: training ? 1 - dropout.recurrentWeights : nil, rng: &rng)
            layer.forwardRecurrence(parameters: p, threads: threads)
            if dropout.layers > 0 {
                applyDropout(training: training, source: layer.outputs, mask: masks[l].pointer, into: masked[l].pointer, rng: &rng)
            }
        }
        let o = config.head.outputSize
        let head = layout.headWeight.offset, bias = layout.headBias.offset
        for r in 0..<n { (outputs.pointer + r * o).update(from: p + bias, count: o) }
        ParallelGemm.gemm(transposeB: true, m: n, n: o, k: h, a: feed(config.layers - 1), lda: h, b: p + head, ldb: h,
                  beta: 1, c: outputs.pointer, ldc: o, threads: threads)
        lastBatch = batch
        // Training needs ∂loss/∂outputs next: compute it in the same pass as the loss
        // (unit scale; backward applies the caller's scale in its products).
        gradientsReady = training
        return loss.evaluate(outputs: outputs.pointer, batch: batch, gradients: training ? outputGradients.pointer : nil, scale: 1)
    }

    /// Backpropagates the last forward pass: accumulates `scale · ∂(summed loss)/∂θ` into
    /// `gradients` (which the caller zeroed). Use scale = 1/counted positions for a mean.
    public func backward(parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>, scale: Float) {
        guard let batch = lastBatch else { preconditionFailure("backward called before forward") }
        let p = parameters, g = gradients, n = steps * rows, h = config.units, o = config.head.outputSize
        if !gradientsReady {
            _ = loss.evaluate(outputs: outputs.pointer, batch: batch, gradients: outputGradients.pointer, scale: 1)
            gradientsReady = true
        }
        let top = config.layers - 1
        // Head: ∂W += scale · dOᵀ · X, ∂b += scale · Σ dO, ∂X = scale · dO · W.
        ParallelGemm.gemm(transposeA: true, m: o, n: h, k: n, alpha: scale, a: outputGradients.pointer, lda: o, b: feed(top), ldb: h,
                          beta: 1, c: g + layout.headWeight.offset, ldc: h, threads: threads)
        let hb = layout.headBias.offset
        for r in 0..<n {
            let row = outputGradients.pointer + r * o
            for j in 0..<o { g[hb + j] += scale * row[j] }
        }
        ParallelGemm.gemm(m: n, n: h, k: o, alpha: scale, a: outputGradients.pointer, lda: o, b: p + layout.headWeight.offset, ldb: h,
                          beta: 0, c: hiddenGradients[top].pointer, ldc: h, threads: threads)
        for l in stride(from: top, through: 0, by: -1) {
            let dH = hiddenGradients[l].pointer
            if dropout.layers > 0 {
                let mask = masks[l].pointer
                for i in 0..<(n * h) { dH[i] *= mask[i] }
            }
            let layer = layers[l]
            if l > 0 {
                layer.backward(outputGradients: dH, dense: feed(l - 1), symbols: nil,
                               inputGradients: hiddenGradients[l - 1].pointer, parameters: p, gradients: g, threads: threads)
            } else if let vectors {
                layer.backward(outputGradients: dH, dense: vectors.pointer, symbols: nil, inputGradients: nil, parameters: p, gradients: g, threads: threads)
            } else {
                batch.inputSymbols.withUnsafeBufferPointer {
                    layer.backward(outputGradients: dH, dense: nil, symbols: $0.baseAddress, symbolMask: symbolMaskActive ? symbolMask?.pointer : nil,
                                   inputGradients: nil, parameters: p, gradients: g, threads: threads)
                }
            }
        }
    }

    /// mask = 0 or 1/keep when training (fresh per position, or locked per row), 1 otherwise;
    /// out = source ⊙ mask, over one layer's outputs `[N, H]`.
    private func applyDropout(
        training: Bool, source: UnsafePointer<Float>, mask: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>,
        rng: inout SeededGenerator
    ) {
        let count = steps * rows * config.units
        guard training else {
            mask.update(repeating: 1, count: count)
            out.update(from: source, count: count)
            return
        }
        let keep = 1 - dropout.layers
        if dropout.locked {
            DropoutMask.fillLocked(mask, steps: steps, rowsTimesUnits: rows * config.units, keep: keep, rng: &rng)
        } else {
            DropoutMask.fill(mask, count: count, keep: keep, rng: &rng)
        }
        for j in 0..<count { out[j] = source[j] * mask[j] }
    }

    /// The head outputs of the last forward pass, `[N, O]`.
    public var lastOutputs: UnsafeBufferPointer<Float> { UnsafeBufferPointer(outputs.buffer) }
}
