import Foundation

/// Mean negative log-likelihood of data under a model, the way `baton eval` reports it:
/// from the zero state, the first symbol (or event) only input, so N symbols give N − 1
/// predictions.
public struct EvaluationResult: Sendable, Equatable {
    /// Mean negative log-likelihood per prediction, in nats.
    public var natsPerSymbol: Double
    /// Symbols (or events) read.
    public var symbols: Int
    /// The same loss in bits, as character-level papers report it.
    public var bitsPerSymbol: Double { natsPerSymbol / 0.693_147_180_559_945_3 }

    /// A score of `natsPerSymbol` over `symbols` predictions.
    public init(natsPerSymbol: Double, symbols: Int) {
        self.natsPerSymbol = natsPerSymbol
        self.symbols = symbols
    }
}

/// Scores data under a model as `baton eval` does.
public enum Evaluation {
    /// Text: −(1/(N−1)) Σ log p(x_{t+1} | x_≤t). `progress` is called with the fraction done.
    public static func text(model: Model, bytes: [UInt8], progress: ((Double) -> Void)? = nil) -> EvaluationResult {
        precondition(model.config.kind == .text && bytes.count >= 2, "Evaluation.text: text model and ≥ 2 bytes")
        let stepper = Stepper(model: model)
        var total = 0.0
        let every = max(1, bytes.count / 200)
        for t in 0..<(bytes.count - 1) {
            let logits = stepper.step(symbol: Int(bytes[t]))
            total -= Categorical.logProbability(logits, of: Int(bytes[t + 1]))
            if t % every == 0 { progress?(Double(t) / Double(bytes.count - 1)) }
        }
        progress?(1)
        return EvaluationResult(natsPerSymbol: total / Double(bytes.count - 1), symbols: bytes.count - 1)
    }
}

extension Evaluation {
    /// Control or stroke sequences (flat `values` `[N, D]` in the data's own units, sequence
    /// s = rows `offsets[s] ..< offsets[s+1]`): the mean −log density per predicted event,
    /// each sequence from the zero state with its first event only input. The density is of
    /// the data in its own units: the model's normalisation Jacobian (−Σ log scale over the
    /// continuous dimensions) is included, so models with different scalings compare.
    public static func sequences(model: Model, values: [Float], offsets: [Int], progress: ((Double) -> Void)? = nil) -> EvaluationResult {
        let config = model.config, d = config.inputSize
        precondition(config.kind != .text && values.count == offsets.last! * d, "Evaluation.sequences: \(values.count) values for \(offsets.last!) \(d)-d events")
        let stepper = Stepper(model: model)
        let sampler = EventSampler(model: model)
        var total = 0.0, count = 0
        values.withUnsafeBufferPointer { v in
            for s in 0..<(offsets.count - 1) where offsets[s + 1] - offsets[s] >= 2 {
                stepper.reset()
                for e in offsets[s]..<(offsets[s + 1] - 1) {
                    let out = stepper.step(input: UnsafeBufferPointer(rebasing: v[(e * d)..<((e + 1) * d)]))
                    total -= sampler.logDensity(of: v.baseAddress! + (e + 1) * d, output: out.baseAddress!)
                    count += 1
                }
                progress?(Double(offsets[s + 1]) / Double(offsets.last!))
            }
        }
        return EvaluationResult(natsPerSymbol: total / Double(max(count, 1)), symbols: count)
    }
}
