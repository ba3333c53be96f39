extension ModelConfig: CustomStringConvertible {
    /// One line for people: `text LSTM 2×256, one-hot 256 → softmax 256`.
    public var description: String {
        let input: String
        switch kind {
        case .text: input = embedding.map { "embedding \($0)" } ?? "one-hot 256"
        case .control: input = "\(inputSize) dims"
        case .strokes: input = "strokes (dx, dy, pen)"
        }
        let output: String
        switch head {
        case .categorical(let v): output = "softmax \(v)"
        case .mixtureDensity(let d, let k, let s): output = "\(k) Gaussians over \(d) dims (σ \(s.rawValue))"
        case .strokes(let k): output = "\(k) bivariate Gaussians + pen"
        }
        return "\(kind.rawValue) LSTM \(layers)×\(units), \(input) → \(output)"
    }
}
