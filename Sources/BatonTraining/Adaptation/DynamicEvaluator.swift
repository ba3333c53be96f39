import BatonCore

/// Dynamic evaluation (Krause et al. 2018): a model that keeps learning from the sequence
/// it is scoring. Each segment of up to T symbols or events is first scored with the
/// current weights from the carried state, and only then taught: one step of truncated
/// BPTT from the state at the segment's start (`DynamicEvaluator+Update`). The score of a
/// segment therefore never sees the segment itself: it is an honest prediction.
///
/// The adapted weights are an f32 copy whatever the file stored; the originals are kept
/// beside them, so `restoreOriginalWeights` is exact. Forward, backward and the losses are
/// `TrainingNetwork`'s (no dropout), one batch row.
///
/// Not thread-safe: one evaluator per thread of control.
public final class DynamicEvaluator {
    public let config: ModelConfig
    public private(set) var options: AdaptationOptions
    /// η, changeable between segments (the segment length is fixed by the network).
    public var rate: Float {
        get { options.rate }
        set { precondition(newValue.isFinite && newValue >= 0, "DynamicEvaluator: rate \(newValue)"); options.rate = newValue }
    }
    /// θ₀, the weights the model came with.
    public let originalParameters: [Float]
    /// θ, the adapted weights (f32).
    public internal(set) var parameters: [Float]
    /// Running mean square of the adaptation gradients (one per parameter) and the last gradient.
    public internal(set) var meanSquare: [Float]
    public internal(set) var lastGradient: [Float]
    /// Updates taken since the originals were last restored.
    public internal(set) var updates = 0
    /// Segments whose gradient was not finite and so taught nothing.
    public internal(set) var skippedUpdates = 0
    /// Whether segments update the weights (false: score only, as the static model would).
    public var isAdapting = true
    let network: TrainingNetwork
    /// Unused: the network draws randomness only for dropout, which adaptation never applies.
    private var rng = SeededGenerator(seed: 0)

    public init(model: Model, options: AdaptationOptions, threads: Int = 1) {
        precondition(options.segment >= 1, "DynamicEvaluator: segment \(options.segment)")
        config = model.config
        self.options = options
        originalParameters = model.parameters
        parameters = model.parameters
        meanSquare = [Float](repeating: 0, count: model.parameters.count)
        lastGradient = meanSquare
        network = TrainingNetwork(config: model.config, steps: options.segment, rows: 1, threads: threads)
        network.resetState()
    }

    /// The score of one segment under the weights it was predicted with.
    public struct SegmentScore: Sendable, Equatable {
        /// Σ −log p over the segment's predictions, in model units.
        public var totalNats: Double
        public var predictions: Int
    }

    /// Zero state: a new sequence starts.
    public func resetState() { network.resetState() }

    /// θ ← θ₀ exactly, statistics cleared; the recurrent state is kept.
    public func restoreOriginalWeights() {
        parameters = originalParameters
        meanSquare = [Float](repeating: 0, count: meanSquare.count)
        lastGradient = meanSquare
        updates = 0
        skippedUpdates = 0
    }

    /// Text: `symbols[0..<n−1]` are read and `symbols[1..<n]` predicted (2 ≤ n ≤ T + 1), so
    /// consecutive segments overlap by one symbol. A short segment ends the stream: the
    /// state is reset after it.
    public func scoreThenAdapt(symbols: ArraySlice<UInt8>) -> SegmentScore {
        precondition(config.kind == .text && symbols.count >= 2 && symbols.count <= options.segment + 1,
                     "scoreThenAdapt: \(symbols.count) symbols for a \(config.kind) model with segment \(options.segment)")
        let t = options.segment, n = symbols.count - 1
        var batch = TrainingBatch(steps: t, rows: 1)
        batch.inputSymbols = [Int32](repeating: 0, count: t)
        batch.targetSymbols = batch.inputSymbols
        let first = symbols.startIndex
        for i in 0..<n {
            batch.inputSymbols[i] = Int32(symbols[first + i])
            batch.targetSymbols[i] = Int32(symbols[first + i + 1])
        }
        if n < t { batch.weights = (0..<t).map { $0 < n ? 1 : 0 } }
        return run(batch, predictions: n)
    }

    /// Control and strokes: `events` is `[n, D]` flat in model (normalised) units, read
    /// `0..<n−1` and predicted `1..<n` (2 ≤ n ≤ T + 1). A short segment ends the sequence.
    public func scoreThenAdapt(events: ArraySlice<Float>) -> SegmentScore {
        let d = config.inputSize
        precondition(config.kind != .text && events.count % d == 0 && events.count / d >= 2 && events.count / d <= options.segment + 1,
                     "scoreThenAdapt: \(events.count) values for \(d)-d events with segment \(options.segment)")
        let t = options.segment, n = events.count / d - 1
        var batch = TrainingBatch(steps: t, rows: 1)
        batch.inputVectors = [Float](repeating: 0, count: t * d)
        batch.targetVectors = batch.inputVectors
        let first = events.startIndex
        for i in 0..<(n * d) {
            batch.inputVectors[i] = events[first + i]
            batch.targetVectors[i] = events[first + d + i]
        }
        if n < t { batch.weights = (0..<t).map { $0 < n ? 1 : 0 } }
        return run(batch, predictions: n)
    }

    /// Scores with θ, then (when adapting) takes the update on the same window.
    private func run(_ batch: TrainingBatch, predictions n: Int) -> SegmentScore {
        let total = parameters.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: false, rng: &rng) }
        if isAdapting && options.rate > 0 { adapt(predictions: n) }
        if n < options.segment { network.resetState() } else { network.carryStateForward() }
        return SegmentScore(totalNats: total, predictions: n)
    }

    /// ‖θ − θ₀‖ / ‖θ₀‖: how far adaptation has moved the weights.
    public var relativeDistance: Double {
        var moved = 0.0, size = 0.0
        for i in parameters.indices {
            let d = Double(parameters[i]) - Double(originalParameters[i])
            moved += d * d
            size += Double(originalParameters[i]) * Double(originalParameters[i])
        }
        return size > 0 ? (moved / size).squareRoot() : moved.squareRoot()
    }

    /// The adapted weights as a model (f32), with `base`'s normalisation and metadata.
    public func adaptedModel(from base: Model) -> Model {
        precondition(base.config == config, "adaptedModel: base architecture differs")
        var model = Model(config: config, parameters: parameters, normalisation: base.normalisation, metadata: base.metadata)
        model.storedDType = .f32
        return model
    }
}
