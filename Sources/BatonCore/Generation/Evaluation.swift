/// Mean negative log-likelihood of data under a model, the way `baton eval` reports it:
/// from the zero state, the first symbol (or event) only input, so N symbols give N − 1
/// predictions.
public struct EvaluationResult: Sendable, Equatable {
    public var natsPerSymbol: Double
    public var symbols: Int
    public var bitsPerSymbol: Double { natsPerSymbol / 0.693_147_180_559_945_3 }
}

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
        return EvaluationResult(natsPerSymbol: total / Double(bytes.count - 1), symbols: bytes.count - 1)
    }
}
