import BatonCore

/// The whole model unrolled over a window for training: input (one-hot, embedding or
/// vectors) → LSTM layers with inter-layer dropout → linear head → loss.
///
/// Dropout follows Zaremba, Sutskever & Vinyals (2014): on the non-recurrent connections
/// only (the input of every layer above the first, and the input of the head), a fresh
/// mask per window, inverted scaling 1/(1−p) so inference needs no change.
///
/// Legend: T steps, B rows, N = T·B positions, E embedding, H units, O head outputs.
public final class TrainingNetwork {
    public let config: ModelConfig
    public let steps: Int, rows: Int
    public let dropout: Float
    /// Threads for the recurrence (rows split across them) and for BLAS.
    public var threads: Int
    let layout: ParameterLayout
    let layers: [LSTMLayer]
    let loss: OutputLoss
    /// Embedded input `[N, E]` (embedding models only).
    let embedded: FloatBuffer?
    /// Dense continuous input `[N, D]` (control and stroke models).
    let vectors: FloatBuffer?
    /// Dropout masks (0 or 1/(1−p)) and masked copies of each layer's output `[N, H]`;
    /// entry l feeds layer l+1, the last feeds the head. Empty when dropout is 0.
    let masks: [FloatBuffer], masked: [FloatBuffer]
    /// Head outputs and their gradients `[N, O]`.
    let outputs: FloatBuffer, outputGradients: FloatBuffer
    /// ∂loss/∂(layer output) `[N, H]` per layer, and ∂loss/∂(layer-0 input) `[N, E]`.
    let hiddenGradients: [FloatBuffer]
    let embeddedGradients: FloatBuffer?
    private var lastBatch: TrainingBatch?
    /// Whether `outputGradients` holds ∂loss/∂outputs (unit scale) for the last forward pass.
    private var gradientsReady = false

    public init(config: ModelConfig, steps: Int, rows: Int, dropout: Float = 0, threads: Int = 1) {
        precondition(steps > 0 && rows > 0, "TrainingNetwork: window [\(steps), \(rows)] must be positive")
        precondition(dropout >= 0 && dropout < 1, "TrainingNetwork: dropout \(dropout) outside [0, 1)")
        let layout = ParameterLayout(config)
        let n = steps * rows, h = config.units
        self.layout = layout
        self.config = config
        self.steps = steps
        self.rows = rows
        self.dropout = dropout
        self.threads = threads
        layers = (0..<config.layers).map { l in
            LSTMLayer(steps: steps, rows: rows, inputSize: config.lstmInputSize(l), units: h,
                      oneHot: l == 0 && config.isOneHot, layout: layout, layer: l)
        }
        switch config.head {
        case .categorical(let v): loss = SoftmaxCrossEntropy(symbols: v)
        case .mixtureDensity(let d, let k, let sigma): loss = MixtureDensityLoss(dims: d, mixtures: k, sigma: sigma)
        case .strokes(let k): loss = StrokeLoss(mixtures: k)
        }
        embedded = config.embedding.map { FloatBuffer(count: n * $0) }
        embeddedGradients = config.embedding.map { FloatBuffer(count: n * $0) }
        vectors = config.kind == .text ? nil : FloatBuffer(count: n * config.inputSize)
        masks = dropout > 0 ? (0..<config.layers).map { _ in FloatBuffer(count: n * h) } : []
        masked = dropout > 0 ? (0..<config.layers).map { _ in FloatBuffer(count: n * h) } : []
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
        dropout > 0 ? masked[l].pointer : layers[l].outputs
    }

    /// Runs the window forward and returns the summed loss over counted positions.
    /// With `training`, draws fresh dropout masks from `rng`.
    @discardableResult
    public func forward(_ batch: TrainingBatch, parameters: UnsafePointer<Float>, training: Bool, rng: inout SeededGenerator) -> Double {
        precondition(batch.steps == steps && batch.rows == rows, "forward: batch [\(batch.steps), \(batch.rows)] for network [\(steps), \(rows)]")
        let p = parameters, n = steps * rows, h = config.units
        for (l, layer) in layers.enumerated() {
            if l == 0 {
                if config.isOneHot {
                    batch.inputSymbols.withUnsafeBufferPointer {
                        layer.addInputProjection(dense: nil, symbols: $0.baseAddress, parameters: p, threads: threads)
                    }
                } else if let embedded, let e = config.embedding, let slot = layout.embedding {
                    for r in 0..<n {
                        (embedded.pointer + r * e).update(from: p + slot.offset + Int(batch.inputSymbols[r]) * e, count: e)
                    }
                    layer.addInputProjection(dense: embedded.pointer, symbols: nil, parameters: p, threads: threads)
                } else if let vectors {
                    batch.inputVectors.withUnsafeBufferPointer { vectors.pointer.update(from: $0.baseAddress!, count: $0.count) }
                    layer.addInputProjection(dense: vectors.pointer, symbols: nil, parameters: p, threads: threads)
                }
            } else {
                layer.addInputProjection(dense: feed(l - 1), symbols: nil, parameters: p, threads: threads)
            }
            layer.forwardRecurrence(parameters: p, threads: threads)
            if dropout > 0 {
                Self.applyDropout(keep: 1 - dropout, training: training, count: n * h, source: layer.outputs,
                                  mask: masks[l].pointer, into: masked[l].pointer, rng: &rng)
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
            if dropout > 0 {
                let mask = masks[l].pointer
                for i in 0..<(n * h) { dH[i] *= mask[i] }
            }
            let layer = layers[l]
            if l > 0 {
                layer.backward(outputGradients: dH, dense: feed(l - 1), symbols: nil,
                               inputGradients: hiddenGradients[l - 1].pointer, parameters: p, gradients: g, threads: threads)
            } else if config.isOneHot {
                batch.inputSymbols.withUnsafeBufferPointer {
                    layer.backward(outputGradients: dH, dense: nil, symbols: $0.baseAddress, inputGradients: nil, parameters: p, gradients: g, threads: threads)
                }
            } else if let embedded, let dE = embeddedGradients, let e = config.embedding, let slot = layout.embedding {
                layer.backward(outputGradients: dH, dense: embedded.pointer, symbols: nil, inputGradients: dE.pointer, parameters: p, gradients: g, threads: threads)
                for r in 0..<n {
                    let dst = g + slot.offset + Int(batch.inputSymbols[r]) * e, src = dE.pointer + r * e
                    for j in 0..<e { dst[j] += src[j] }
                }
            } else if let vectors {
                layer.backward(outputGradients: dH, dense: vectors.pointer, symbols: nil, inputGradients: nil, parameters: p, gradients: g, threads: threads)
            }
        }
    }

    /// mask = 0 or 1/keep (Bernoulli(keep)) when training, 1 otherwise; out = source ⊙ mask.
    /// One 64-bit draw gives two 24-bit uniforms.
    static func applyDropout(
        keep: Float, training: Bool, count: Int, source: UnsafePointer<Float>, mask: UnsafeMutablePointer<Float>,
        into out: UnsafeMutablePointer<Float>, rng: inout SeededGenerator
    ) {
        guard training else {
            mask.update(repeating: 1, count: count)
            out.update(from: source, count: count)
            return
        }
        let scale = 1 / keep, threshold = UInt64(Double(keep) * 16_777_216)
        var i = 0
        while i < count {
            let bits = rng.next()
            mask[i] = (bits >> 40) < threshold ? scale : 0
            if i + 1 < count { mask[i + 1] = ((bits >> 16) & 0xFF_FFFF) < threshold ? scale : 0 }
            i += 2
        }
        for j in 0..<count { out[j] = source[j] * mask[j] }
    }

    /// The head outputs of the last forward pass, `[N, O]`.
    public var lastOutputs: UnsafeBufferPointer<Float> { UnsafeBufferPointer(outputs.buffer) }
}
